package io.execkpi.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.web.ErrorProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * The error path ({@code /error}) that the container forwards to after {@code sendError} or an exception outside
 * Spring MVC (the HTTP firewall, a filter, Tomcat itself): an RFC 9457 problem detail for every request under
 * {@code /api/} and for every client that does not ask for HTML; an HTML page only for a browser on another path.
 * A request for {@code /error} itself is a 404, not the 500 that Spring Boot's controller answers when no error
 * status is set. The detail is a fixed sentence per status: the container's own message is never echoed.
 */
public class ProblemErrorController extends BasicErrorController {

    /** The same collaborators as Spring Boot's {@link BasicErrorController}. */
    public ProblemErrorController(ErrorAttributes errorAttributes, ErrorProperties errorProperties,
                                  List<ErrorViewResolver> errorViewResolvers) {
        super(errorAttributes, errorProperties, errorViewResolvers);
    }

    /** A browser's error page, except under {@code /api/} and for the error path itself: a problem detail there. */
    @Override
    @RequestMapping(produces = MediaType.TEXT_HTML_VALUE)
    public ModelAndView errorHtml(HttpServletRequest request, HttpServletResponse response) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri == null || uri.toString().startsWith("/api/")) {
            try {
                Problems.write(response, getStatus(request), detail(getStatus(request)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        }
        return super.errorHtml(request, response);
    }

    /** The error as a problem detail. */
    @Override
    @RequestMapping
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) {
            return new ResponseEntity<>(status);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.body(status, detail(status)));
    }

    /** The error status of the forwarded request; 404 for a request to the error path itself. */
    @Override
    protected HttpStatus getStatus(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) == null) {
            return HttpStatus.NOT_FOUND;
        }
        return super.getStatus(request);
    }

    static String detail(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "The request is malformed: its path, a header or a parameter cannot be read "
                    + "(for example invalid percent-encoding or UTF-8)";
            case NOT_FOUND -> "There is nothing at this path; the endpoints are listed at /v3/api-docs";
            case METHOD_NOT_ALLOWED -> "This method is not allowed at this path";
            case UNAUTHORIZED -> "Send Authorization: Bearer <token> to use this endpoint";
            case FORBIDDEN -> "Not allowed";
            case NOT_IMPLEMENTED -> "This request method is not supported by the server; the API answers GET, HEAD,"
                    + " POST and OPTIONS";
            case HTTP_VERSION_NOT_SUPPORTED -> "This HTTP version is not supported by the server; send HTTP/1.1";
            default -> status.is5xxServerError() ? "An unexpected error occurred; it has been logged."
                    : status.getReasonPhrase();
        };
    }
}
