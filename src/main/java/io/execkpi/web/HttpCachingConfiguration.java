package io.execkpi.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * Read endpoints answer with an {@code ETag} (a hash of the body) and {@code Cache-Control: no-cache}: a client may
 * keep the response but must revalidate, and gets 304 Not Modified while the results are unchanged — they change
 * only when a job writes.
 */
@Configuration(proxyBeanMethods = false)
public class HttpCachingConfiguration {

    static final String[] READ_PATHS = {"/api/kpis", "/api/kpis/*", "/api/experiments", "/api/experiments/*", "/api/experiments/*/history",
            "/api/ml/*", "/api/ml/runs/*", "/api/ml/runs/*/artifacts/*"};

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> etagFilter() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration = new FilterRegistrationBean<>(
                new ShallowEtagHeaderFilter() {
                    @Override
                    protected boolean isEligibleForEtag(jakarta.servlet.http.HttpServletRequest request,
                                                        jakarta.servlet.http.HttpServletResponse response,
                                                        int responseStatusCode, java.io.InputStream inputStream) {
                        boolean eligible = "GET".equals(request.getMethod())
                                && super.isEligibleForEtag(request, response, responseStatusCode, inputStream);
                        if (eligible && response.getHeader("Cache-Control") == null) {
                            response.setHeader("Cache-Control", "no-cache");
                        }
                        return eligible;
                    }
                });
        registration.addUrlPatterns(READ_PATHS);
        registration.setName("etagFilter");
        return registration;
    }
}
