package io.execkpi.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.filter.CorsFilter;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token security: mutating API calls need {@code Authorization: Bearer <EXECKPI_API_TOKEN>} (compared in
 * constant time, never logged); without a configured token they are refused with 403. Per-user data
 * ({@code /api/ml/scores}) needs that token or the read-only {@code EXECKPI_API_READ_TOKEN}. Other reads, the ad-hoc
 * A/B test, health, metrics and the API docs are public unless {@code execkpi.api.read-requires-token=true} (then
 * either token reads). Stateless, no CSRF (no cookies), CORS only for the configured origins. Errors are problem
 * details.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class SecurityConfiguration {

    static final String OPERATOR = "ROLE_OPERATOR";
    static final String READER = "ROLE_READER";
    /** Endpoints that answer with data about individual users. */
    static final String[] PER_USER_PATHS = {"/api/ml/scores", "/api/ml/scores/**"};

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiProperties api) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .cors(Customizer.withDefaults())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                // every script, style and font comes from the app itself; the dashboard has no inline script
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; "
                        + "script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                        + "frame-ancestors 'none'")))
                .addFilterBefore(new BearerTokenFilter(api), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> Problems.write(response,
                                api.anyTokenConfigured() ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN,
                                api.anyTokenConfigured() ? "Send Authorization: Bearer <token> to use this endpoint"
                                        : "This endpoint is disabled: no EXECKPI_API_TOKEN is configured"))
                        .accessDeniedHandler((request, response, ex) -> Problems.write(response, HttpStatus.FORBIDDEN,
                                "Not allowed with this token: it may only read")))
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus",
                            "/docs", "/docs/**", "/swagger-ui/**", "/v3/api-docs/**", "/error").permitAll()
                            // per-user data (user ids with their propensities) is never public
                            .requestMatchers(HttpMethod.GET, PER_USER_PATHS).hasAuthority(READER)
                            .requestMatchers(HttpMethod.HEAD, PER_USER_PATHS).hasAuthority(READER)
                            .requestMatchers(HttpMethod.OPTIONS, "/**").permitAll();
                    if (api.readRequiresToken()) {
                        auth.requestMatchers(HttpMethod.GET, "/api/**").hasAuthority(READER)
                                .requestMatchers(HttpMethod.HEAD, "/api/**").hasAuthority(READER)
                                .requestMatchers(HttpMethod.POST, "/api/ab/test").hasAuthority(READER)
                                .requestMatchers("/api/**").hasAuthority(OPERATOR)
                                .anyRequest().hasAuthority(READER);
                    } else {
                        auth.requestMatchers(HttpMethod.GET, "/api/**").permitAll()
                                .requestMatchers(HttpMethod.HEAD, "/api/**").permitAll()
                                .requestMatchers(HttpMethod.POST, "/api/ab/test").permitAll()
                                .requestMatchers("/api/**").hasAuthority(OPERATOR)
                                .anyRequest().permitAll();
                    }
                });
        return http.build();
    }

    /** No user accounts: only the bearer token authenticates (this also stops Boot from generating a password). */
    @Bean
    UserDetailsService noUserAccounts() {
        return username -> {
            throw new UsernameNotFoundException("ExecKPI has no user accounts; use the API token");
        };
    }

    /**
     * The CORS filter of the security chain (Spring Security uses the bean named {@code corsFilter}): a request from
     * an origin not in {@code execkpi.api.cors-origins} gets a 403 problem detail saying so, not Spring's plain-text
     * "Invalid CORS request".
     */
    @Bean
    CorsFilter corsFilter(@Qualifier("corsConfigurationSource") CorsConfigurationSource source) {
        CorsFilter filter = new CorsFilter(source);
        filter.setCorsProcessor(new DefaultCorsProcessor() {
            @Override
            protected void rejectRequest(ServerHttpResponse response) throws IOException {
                Problems.write(((ServletServerHttpResponse) response).getServletResponse(), HttpStatus.FORBIDDEN,
                        "Cross-origin request refused: its Origin is not in execkpi.api.cors-origins");
            }
        });
        return filter;
    }

    /** The CORS filter runs in the security chain only, not a second time as a servlet filter of its own. */
    @Bean
    FilterRegistrationBean<CorsFilter> corsFilterRegistration(CorsFilter corsFilter) {
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(corsFilter);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(ApiProperties api) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(api.corsOrigins());
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "If-None-Match"));
        cors.setExposedHeaders(List.of("ETag", "Location"));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        return source;
    }

    /** Authenticates a request carrying the configured bearer token; a wrong token is a 401 at once. */
    static final class BearerTokenFilter extends OncePerRequestFilter {

        private final ApiProperties api;

        BearerTokenFilter(ApiProperties api) {
            this.api = api;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                if (!api.anyTokenConfigured()) {
                    Problems.write(response, HttpStatus.FORBIDDEN,
                            "Tokens are not accepted: no EXECKPI_API_TOKEN is configured");
                    return;
                }
                byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
                List<SimpleGrantedAuthority> authorities;
                if (api.isOperatorToken(given)) {
                    authorities = List.of(new SimpleGrantedAuthority(OPERATOR), new SimpleGrantedAuthority(READER));
                } else if (api.isReadToken(given)) {
                    authorities = List.of(new SimpleGrantedAuthority(READER));
                } else {
                    Problems.write(response, HttpStatus.UNAUTHORIZED, "Invalid bearer token");
                    return;
                }
                SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        authorities.size() > 1 ? "operator" : "reader", null, authorities));
            }
            chain.doFilter(request, response);
        }
    }
}
