package io.execkpi.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description served at /v3/api-docs (Swagger UI at /docs). */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    @Bean
    OpenAPI execKpiOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ExecKPI").version("0.1.0").description(
                        "Precomputed KPIs, A/B evaluations and model artifacts of an ecommerce warehouse, materialized "
                                + "nightly by restartable Spring Batch jobs; job control for operators. Errors are RFC "
                                + "9457 problem details. Reads send ETags and answer If-None-Match with 304."))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("EXECKPI_API_TOKEN; without a configured token mutating endpoints answer 403")));
    }
}
