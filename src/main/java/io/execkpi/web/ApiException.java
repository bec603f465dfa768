package io.execkpi.web;

import org.springframework.http.HttpStatus;

/** An error a client can act on; rendered as an RFC 9457 problem detail with this status, title and detail. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;

    public ApiException(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Bad request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail);
    }

    /**
     * The value of a read that may answer "not there yet" (an {@link ApiException}, e.g. 404 before the first model
     * run), as an empty Optional; for pages that show an explanation instead.
     */
    public static <T> java.util.Optional<T> orEmpty(java.util.function.Supplier<T> read) {
        try {
            return java.util.Optional.ofNullable(read.get());
        } catch (ApiException e) {
            return java.util.Optional.empty();
        }
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
