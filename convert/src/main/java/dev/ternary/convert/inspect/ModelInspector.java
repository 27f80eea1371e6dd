package dev.ternary.convert.inspect;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.SafetensorsFile;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a model's config and safetensors headers (no tensor data) and summarises them. */
public final class ModelInspector {
    private ModelInspector() {}

    public static ModelReport inspect(Path input) {
        ModelDirectory model = ModelDirectory.open(input);
        HfConfig config = model.config();
        String architecture = config.architecture().hfName();
        boolean bitnet = config.quantizationConfig()
                .map(q -> "bitnet".equals(q.path("quant_method").asText()))
                .orElse(false);
        long ternary = 0;
        long dense = 0;
        long weightBytes = 0;
        Map<String, ModelReport.DTypeUsage> dtypes = new TreeMap<>();
        int tensors;
        try (Checkpoint checkpoint = model.openCheckpoint()) {
            tensors = checkpoint.tensorNames().size();
            for (String name : checkpoint.tensorNames()) {
                TensorInfo t = checkpoint.tensor(name);
                boolean packedTrits = bitnet && t.dtype() == DType.U8 && checkpoint.contains(name + "_scale");
                if (packedTrits) {
                    ternary += t.elementCount() * HfBitNetLayout.TRITS_PER_BYTE;
                } else {
                    dense += t.elementCount();
                }
                dtypes.merge(t.dtype().name(), new ModelReport.DTypeUsage(1, t.byteSize()),
                        (a, b) -> new ModelReport.DTypeUsage(a.tensors() + b.tensors(), a.bytes() + b.bytes()));
            }
            for (SafetensorsFile f : checkpoint.files()) {
                weightBytes += size(f.path());
            }
        }
        return new ModelReport(model.root().toString(), architecture, config.hiddenSize(), config.numLayers(),
                config.numHeads(), config.numKvHeads(), config.headDim(), config.intermediateSize(),
                config.vocabSize(), config.maxPositionEmbeddings(), config.tieWordEmbeddings(), tensors, ternary,
                dense, dtypes, weightBytes, directoryBytes(model.root()),
                config.quantizationConfig().orElse(null));
    }

    private static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(ModelInspector::size).sum();
        } catch (IOException e) {
            throw InvalidInputException.inFile(dir, "cannot list: " + e.getMessage());
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
