package dev.ternary.convert.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A summary of a model directory for {@code ternary inspect}.
 *
 * @param ternaryParameters  weights stored as packed trits (4 per U8 byte)
 * @param denseParameters    all other elements
 * @param dtypes             per stored dtype: tensor count and bytes
 * @param bytesOnDisk        all files in the model directory
 * @param quantizationConfig config.json's quantization_config, or null
 */
public record ModelReport(
        String path,
        String architecture,
        int hiddenSize,
        int layers,
        int attentionHeads,
        int kvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        int maxPositionEmbeddings,
        boolean tiedEmbeddings,
        int tensors,
        long ternaryParameters,
        long denseParameters,
        Map<String, DTypeUsage> dtypes,
        long weightBytes,
        long bytesOnDisk,
        JsonNode quantizationConfig) {

    public ModelReport {
        dtypes = Map.copyOf(dtypes);
    }

    /** How much of the model one dtype holds. */
    public record DTypeUsage(int tensors, long bytes) {}

    public long totalParameters() {
        return ternaryParameters + denseParameters;
    }
}
