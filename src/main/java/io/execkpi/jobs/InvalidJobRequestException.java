package io.execkpi.jobs;

/** Bad job parameters: the message is one line a person can act on. */
public class InvalidJobRequestException extends IllegalArgumentException {
    public InvalidJobRequestException(String message) {
        super(message);
    }
}
