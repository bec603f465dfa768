package io.execkpi.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller that renders dashboard pages (HTML) rather than JSON: its errors become a friendly error page
 * ({@link PageErrorAdvice}) and its model gets the dashboard's shared attributes (data freshness, banners).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DashboardPage {
}
