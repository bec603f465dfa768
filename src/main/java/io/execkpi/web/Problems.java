package io.execkpi.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem detail straight to a servlet response, for the places that answer before Spring MVC
 * (filters, the security chain, the error path): the same shape as Spring's {@code ProblemDetail}.
 */
public final class Problems {

    private Problems() {
    }

    /** The problem's members: {@code type}, {@code title} (the status's reason phrase), {@code status}, {@code detail}. */
    public static Map<String, Object> body(HttpStatus status, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        return problem;
    }

    /** Replaces whatever the response holds by the problem, unless it is already committed. */
    public static void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(JsonMapper.shared().writeValueAsBytes(body(status, detail)));
    }
}
