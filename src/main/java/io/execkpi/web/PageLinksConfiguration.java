package io.execkpi.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

/**
 * Links on the pages are written as the templates state them. Spring Boot would register a
 * {@link ResourceUrlEncodingFilter} (the WebJars locator turns the resource chain on), which looks every link of a
 * page ({@code /kpis/…}, {@code /jobs/executions/…}) up as a static resource in the class path's jars, missing and
 * uncached; profiled, that was a quarter of a KPI page's server time. The pages need no rewriting: no content
 * versioning is configured, and the version-free WebJar paths ({@code /webjars/echarts/echarts.min.js}) are resolved
 * when they are requested, not when they are written.
 */
@Configuration(proxyBeanMethods = false)
public class PageLinksConfiguration {

    /** Takes the place of Boot's filter registration, disabled. */
    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        FilterRegistrationBean<ResourceUrlEncodingFilter> registration =
                new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
        registration.setEnabled(false);
        return registration;
    }
}
