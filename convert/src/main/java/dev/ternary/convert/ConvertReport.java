package dev.ternary.convert;

import java.nio.file.Path;
import java.util.List;

/**
 * What a conversion did. "Linear" means the projections made ternary; "model" means all weight files.
 *
 * @param warnings things the user should know (e.g. a projection kept dense because its shape cannot be packed)
 */
public record ConvertReport(
        Path output,
        int ternaryTensors,
        int denseTensors,
        long linearBytesBefore,
        long linearBytesAfter,
        long modelBytesBefore,
        long modelBytesAfter,
        List<String> warnings) {

    public ConvertReport {
        warnings = List.copyOf(warnings);
    }

    public double linearRatio() {
        return linearBytesAfter == 0 ? 0 : (double) linearBytesBefore / linearBytesAfter;
    }

    public double modelRatio() {
        return modelBytesAfter == 0 ? 0 : (double) modelBytesBefore / modelBytesAfter;
    }
}
