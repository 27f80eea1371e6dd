package dev.ternary.train.data.samples;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the subset of R's binary serialization format (XDR, versions 2 and 3; "R Internals" §1.8) that R data
 * packages use for plain data: character, integer, logical and double vectors, generic vectors (lists), and
 * pairlists carrying attributes such as {@code names}. Anything else (closures, environments, ALTREP) is rejected
 * with the type code, because sample data never needs it.
 *
 * <p>Values come back as Java objects: {@code List<String>} (NA as null), {@code int[]}, {@code double[]},
 * {@code List<Object>} for lists, and {@link Named} when a value has a {@code names} attribute.
 */
final class RSerialization {
    private static final int NILSXP = 0;
    private static final int SYMSXP = 1;
    private static final int LISTSXP = 2;
    private static final int CHARSXP = 9;
    private static final int LGLSXP = 10;
    private static final int INTSXP = 13;
    private static final int REALSXP = 14;
    private static final int STRSXP = 16;
    private static final int VECSXP = 19;
    private static final int REFSXP = 255;
    private static final int NILVALUE_SXP = 254;
    private static final int NA_STRING_LENGTH = -1;
    private static final int LATIN1_LEVEL = 1 << 2;

    /** A value with a {@code names} attribute, e.g. a named list. */
    record Named(List<String> names, Object value) {
        Map<String, Object> asMap() {
            if (!(value instanceof List<?> items) || items.size() != names.size()) {
                throw new IllegalStateException("names do not match a list of " + names.size() + " items");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                map.put(names.get(i), items.get(i));
            }
            return map;
        }
    }

    private final DataInputStream in;
    private final List<String> symbols = new ArrayList<>();

    private RSerialization(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** Reads one serialized object from an uncompressed stream that starts with the {@code X\n} header. */
    static Object read(InputStream stream) throws IOException {
        RSerialization r = new RSerialization(stream);
        r.header();
        return r.item();
    }

    private void header() throws IOException {
        int x = in.readUnsignedByte();
        int nl = in.readUnsignedByte();
        if (x != 'X' || nl != '\n') {
            throw new IOException("not R XDR serialization (header " + x + "," + nl + ")");
        }
        int version = in.readInt();
        in.readInt(); // R version that wrote it
        in.readInt(); // minimal R version to read it
        if (version == 3) {
            in.skipNBytes(in.readInt()); // native encoding name
        } else if (version != 2) {
            throw new IOException("unsupported R serialization version " + version);
        }
    }

    private Object item() throws IOException {
        int flags = in.readInt();
        int type = flags & 0xFF;
        boolean hasAttributes = (flags & (1 << 9)) != 0;
        boolean hasTag = (flags & (1 << 10)) != 0;
        return switch (type) {
            case NILVALUE_SXP -> null;
            case REFSXP -> symbols.get((flags >>> 8) - 1);
            case SYMSXP -> {
                String name = charsxp();
                symbols.add(name);
                yield name;
            }
            case LISTSXP -> pairlist(hasAttributes, hasTag);
            case STRSXP -> withAttributes(strings(), hasAttributes);
            case INTSXP, LGLSXP -> withAttributes(ints(), hasAttributes);
            case REALSXP -> withAttributes(doubles(), hasAttributes);
            case VECSXP -> {
                int n = length();
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(item());
                }
                yield withAttributes(items, hasAttributes);
            }
            default -> throw new IOException("R object type " + type + " is not supported in sample data");
        };
    }

    /** A pairlist as an ordered tag → value map (attributes of the pairlist itself are ignored). */
    private Map<String, Object> pairlist(boolean hasAttributes, boolean hasTag) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        boolean attributes = hasAttributes;
        boolean tagged = hasTag;
        while (true) {
            if (attributes) {
                item();
            }
            String tag = tagged ? (String) item() : "";
            map.put(tag, item());
            int flags = in.readInt();
            int type = flags & 0xFF;
            if (type == NILVALUE_SXP || type == NILSXP) {
                return map;
            }
            if (type != LISTSXP) {
                throw new IOException("pairlist continues with type " + type);
            }
            attributes = (flags & (1 << 9)) != 0;
            tagged = (flags & (1 << 10)) != 0;
        }
    }

    private Object withAttributes(Object value, boolean hasAttributes) throws IOException {
        if (!hasAttributes) {
            return value;
        }
        Object attributes = item();
        if (attributes instanceof Map<?, ?> map && map.get("names") instanceof List<?> names) {
            List<String> strings = new ArrayList<>();
            for (Object o : names) {
                strings.add((String) o);
            }
            return new Named(strings, value);
        }
        return value;
    }

    private List<String> strings() throws IOException {
        int n = length();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(charsxp());
        }
        return out;
    }

    private String charsxp() throws IOException {
        int flags = in.readInt();
        if ((flags & 0xFF) != CHARSXP) {
            throw new IOException("expected a character string, found type " + (flags & 0xFF));
        }
        int length = in.readInt();
        if (length == NA_STRING_LENGTH) {
            return null;
        }
        boolean latin1 = ((flags >>> 12) & LATIN1_LEVEL) != 0;
        return new String(in.readNBytes(length), latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private int[] ints() throws IOException {
        int[] out = new int[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.readInt();
        }
        return out;
    }

    private double[] doubles() throws IOException {
        double[] out = new double[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.readDouble();
        }
        return out;
    }

    private int length() throws IOException {
        int n = in.readInt();
        if (n == -1) {
            throw new IOException("long R vectors are not supported");
        }
        return n;
    }
}
