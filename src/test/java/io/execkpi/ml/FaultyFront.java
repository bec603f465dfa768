package io.execkpi.ml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP front on 127.0.0.1 for an S3 server ({@link LocalS3}): the first {@code failures} connections are each
 * answered with one canned S3 error (status and error code, {@code Connection: close}) without reaching the server;
 * later connections are forwarded byte for byte, so the client's AWS v4 signature (it signs the Host header, which
 * names this front) stays valid. A client that sees an error opens a new connection for its next attempt, so with a
 * fresh client "the first n connections" are "the first n requests".
 */
final class FaultyFront implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final int failures;
    private final int status;
    private final String code;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /**
     * @param targetPort the S3 server's port on 127.0.0.1
     * @param failures   how many connections get the error ({@link Integer#MAX_VALUE}: all)
     * @param status     HTTP status of the error, e.g. 503
     * @param code       S3 error code in the XML body, e.g. {@code ServiceUnavailable}
     */
    FaultyFront(int targetPort, int failures, int status, String code) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.failures = failures;
        this.status = status;
        this.code = code;
        Thread acceptor = new Thread(this::accept, "faulty-front");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Connections answered with the error so far. */
    int failed() {
        return failed.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                int n = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(client, n <= failures), "faulty-front-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client, boolean fail) {
        try (client) {
            if (fail) {
                failed.incrementAndGet();
                answerWithError(client);
            } else {
                try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                    Thread up = new Thread(() -> pipe(client, target), "faulty-front-up");
                    up.setDaemon(true);
                    up.start();
                    pipe(target, client);
                    up.join(10_000);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: nothing to report
        }
    }

    /** Reads the request head (and a body the client sends without waiting for 100-continue), then the error. */
    private void answerWithError(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        long length = 0;
        boolean expectContinue = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            } else if (lower.startsWith("expect:") && lower.contains("100-continue")) {
                expectContinue = true;
            }
        }
        if (!expectContinue) {
            in.skipNBytes(length);
        }
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                + "</Code><Message>injected by FaultyFront</Message><RequestId>faulty</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + status + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        client.shutdownOutput();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // either side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
