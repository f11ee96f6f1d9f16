package org.jinetd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file (RFC 7468): {@code -----BEGIN LABEL-----}, base64, {@code -----END
 * LABEL-----}, with any text between blocks, as openssl writes it. Read strictly: a block cut
 * short or base64 that does not decode is an error, never a block quietly skipped.
 */
record Pem(List<Block> blocks) {
    /** Labels are shown in messages; a file that is no PEM at all must not reach a log through them. */
    private static final Pattern LABEL = Pattern.compile("[A-Z0-9 ]{1,40}");
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^-\\r\\n]*)-----");

    Pem {
        blocks = List.copyOf(blocks);
    }

    /**
     * One block.
     *
     * @param encrypted written with openssl's old {@code Proc-Type: 4,ENCRYPTED} header
     */
    record Block(String label, byte[] der, boolean encrypted) {}

    /** Why a file's bytes are not PEM, for a problem: "is empty", "is DER, not PEM", ... */
    static final class NotPem extends Exception {
        NotPem(String why) {
            super(why, null, false, false);
        }
    }

    /** The blocks of {@code bytes}; at least one. */
    static Pem parse(byte[] bytes) throws NotPem {
        if (bytes.length == 0) {
            throw new NotPem("is empty");
        }
        // Latin-1 maps every byte to one char: a binary file is read, not refused by a decoder.
        var text = new String(bytes, StandardCharsets.ISO_8859_1);
        var blocks = new ArrayList<Block>();
        var begin = BEGIN.matcher(text);
        int from = 0;
        while (begin.find(from)) {
            var label = begin.group(1);
            if (!LABEL.matcher(label).matches()) {
                throw new NotPem("is not PEM: a block's label is no PEM label");
            }
            var end = "-----END " + label + "-----";
            int stop = text.indexOf(end, begin.end());
            if (stop < 0) {
                throw new NotPem("is not PEM: 'BEGIN " + label + "' has no 'END " + label + "'");
            }
            blocks.add(block(label, text.substring(begin.end(), stop)));
            from = stop + end.length();
        }
        if (blocks.isEmpty()) {
            throw new NotPem(bytes[0] == 0x30 ? "is DER, not PEM" : "is not PEM (no '-----BEGIN' line)");
        }
        return new Pem(blocks);
    }

    private static Block block(String label, String body) throws NotPem {
        var base64 = new StringBuilder();
        boolean encrypted = false;
        for (var line : body.split("\r?\n")) {
            var stripped = line.strip();
            if (stripped.contains(":")) {
                // RFC 1421 headers, which openssl writes for its old encrypted keys.
                encrypted |= stripped.replace(" ", "").equalsIgnoreCase("Proc-Type:4,ENCRYPTED");
            } else {
                base64.append(stripped);
            }
        }
        try {
            var der = Base64.getDecoder().decode(base64.toString());
            if (der.length == 0) {
                throw new NotPem("is not PEM: 'BEGIN " + label + "' holds nothing");
            }
            return new Block(label, der, encrypted);
        } catch (IllegalArgumentException e) {
            throw new NotPem("is not PEM: 'BEGIN " + label + "' does not hold base64");
        }
    }

    List<Block> labelled(String label) {
        return blocks.stream().filter(b -> b.label().equals(label)).toList();
    }
}
