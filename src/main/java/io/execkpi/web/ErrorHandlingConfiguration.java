package io.execkpi.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Every error a client can cause is a problem detail, wherever it is detected: malformed query strings and
 * {@code Accept} headers in a filter that runs first, errors sent through the container's error path by
 * {@link ProblemErrorController}, and requests Tomcat refuses before any servlet by {@link ProblemErrorReportValve}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class ErrorHandlingConfiguration {

    @Bean
    FilterRegistrationBean<MalformedRequestFilter> malformedRequestFilter() {
        FilterRegistrationBean<MalformedRequestFilter> registration = new FilterRegistrationBean<>(
                new MalformedRequestFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // before the security chain reads anything
        registration.setName("malformedRequestFilter");
        return registration;
    }

    @Bean
    ProblemErrorController problemErrorController(ErrorAttributes errorAttributes, WebProperties web,
                                                  ObjectProvider<ErrorViewResolver> errorViewResolvers) {
        return new ProblemErrorController(errorAttributes, web.getError(), errorViewResolvers.orderedStream().toList());
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.getPipeline().addValve(new ProblemErrorReportValve());
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
