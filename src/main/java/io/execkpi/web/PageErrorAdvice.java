package io.execkpi.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors of dashboard pages ({@link DashboardPage} controllers) as a friendly HTML page with the right status: the
 * same message an API client would get in its problem detail, never a stack trace. Ordered before
 * {@link ProblemDetailsAdvice}, which answers everything else with {@code application/problem+json}.
 */
@ControllerAdvice(annotations = DashboardPage.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PageErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(PageErrorAdvice.class);

    @ExceptionHandler(ApiException.class)
    ModelAndView api(ApiException e) {
        return page(e.status(), e.title(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ModelAndView unexpected(Exception e) {
        log.error("Unexpected error while rendering a page", e);
        return page(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                "An unexpected error occurred; it has been logged.");
    }

    private static ModelAndView page(HttpStatus status, String title, String detail) {
        ModelAndView view = new ModelAndView("error");
        view.setStatus(status);
        view.addObject("status", status.value());
        view.addObject("error", title);
        view.addObject("message", detail);
        return view;
    }
}
