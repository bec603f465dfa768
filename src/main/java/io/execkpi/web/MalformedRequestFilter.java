package io.execkpi.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything reads them, requests whose query string is not valid percent-encoded UTF-8 (a lone
 * {@code %}, {@code %G1}, stray bytes such as {@code %ff}, overlong forms such as {@code %C0%AE}, encoded surrogates
 * such as {@code %ED%A0%80}) or holds control characters, and requests whose {@code Accept} header cannot be parsed:
 * a 400 problem detail naming the parameter or header. Left to the container, such values fail lazily wherever a
 * parameter is first read, as a 500.
 */
public class MalformedRequestFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = queryProblem(request.getQueryString());
        if (problem == null) {
            problem = acceptProblem(request.getHeaders(HttpHeaders.ACCEPT));
        }
        if (problem != null) {
            Problems.write(response, HttpStatus.BAD_REQUEST, problem);
            return;
        }
        chain.doFilter(request, response);
    }

    /** A sentence naming the first malformed query parameter, or null when every name and value decodes. */
    static String queryProblem(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName);
            if (name == null || hasControl(name)) {
                return "A query parameter name is not valid percent-encoded UTF-8: '" + printable(rawName) + "'";
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (value == null) {
                return "Query parameter '" + printable(name) + "' is not valid percent-encoded UTF-8";
            }
            if (hasControl(value)) {
                return "Query parameter '" + printable(name) + "' contains a control character";
            }
        }
        return null;
    }

    private static String acceptProblem(Enumeration<String> accept) {
        while (accept != null && accept.hasMoreElements()) {
            try {
                MediaType.parseMediaTypes(accept.nextElement());
            } catch (InvalidMediaTypeException e) {
                return "Header 'Accept' is malformed: " + e.getMessage();
            }
        }
        return null;
    }

    /** Strict form decoding ({@code +} is a space): null for a bad escape or bytes that are not UTF-8. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c > 0x7f) {
                return null; // the container accepts only ASCII in the request target
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }

    /** The text with anything but printable ASCII replaced, short enough for a message. */
    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return shown.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
