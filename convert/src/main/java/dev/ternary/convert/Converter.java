package dev.ternary.convert;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ternary.convert.model.Architecture;
import dev.ternary.convert.model.HfConfig;
import dev.ternary.convert.model.ModelDirectory;
import dev.ternary.convert.output.StagedDirectory;
import dev.ternary.convert.safetensors.Checkpoint;
import dev.ternary.convert.safetensors.CheckpointWriter;
import dev.ternary.convert.safetensors.DType;
import dev.ternary.convert.safetensors.SafetensorsFile;
import dev.ternary.convert.safetensors.TensorInfo;
import dev.ternary.convert.safetensors.TensorSpec;
import dev.ternary.kernels.format.HfBitNetLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ternary convert}: a Hugging Face Llama-family checkpoint in, a ternary checkpoint out in the layout
 * transformers loads for BitNet ({@code quantization_config.quant_method = "bitnet"}, {@code autobitlinear},
 * offline). Every q/k/v/o/gate/up/down projection becomes absmean ternary; everything else is copied.
 */
public final class Converter {
    /** The quantization_config that makes transformers load the output with AutoBitLinear, offline. */
    public static ObjectNode bitnetQuantizationConfig() {
        ObjectNode q = JsonNodeFactory.instance.objectNode();
        q.put("quant_method", "bitnet");
        q.put("linear_class", "autobitlinear");
        q.put("quantization_mode", "offline");
        return q;
    }

    private Converter() {}

    /** Default output for an input: {@code <input>-ternary} beside it ({@code .safetensors} dropped). */
    public static Path defaultOutput(Path input) {
        Path absolute = input.toAbsolutePath().normalize();
        String name = absolute.getFileName().toString();
        if (name.endsWith(".safetensors") && !Files.isDirectory(absolute)) {
            name = name.substring(0, name.length() - ".safetensors".length());
        }
        return absolute.resolveSibling(name + "-ternary");
    }

    /**
     * Converts {@code input} (a model directory or a {@code .safetensors} file with config.json beside it) into
     * the directory {@code output}, which appears only when complete.
     *
     * @throws InvalidInputException for any problem with the input or the output location
     */
    public static ConvertReport convert(Path input, Path output, ConvertOptions options, ConvertListener listener)
            throws IOException {
        ModelDirectory model = ModelDirectory.open(input);
        HfConfig config = model.config();
        Architecture architecture = config.architecture();
        if (config.quantizationConfig().isPresent()) {
            throw InvalidInputException.inFile(model.configFile(),
                    "already has a quantization_config: this model is quantized; convert its full-precision original");
        }
        checkOutputIsNotInput(model, output);
        try (Checkpoint checkpoint = model.openCheckpoint()) {
            List<String> warnings = new ArrayList<>();
            List<TensorJob> jobs = plan(checkpoint, architecture, options, warnings);
            try (StagedDirectory staged = StagedDirectory.create(output, options.force())) {
                long[] linearBytes = runJobs(checkpoint, jobs, staged.path(), options, listener);
                HfConfig outConfig = config.with("quantization_config", bitnetQuantizationConfig());
                if (options.denseDtype().isPresent()) {
                    outConfig = outConfig.with("torch_dtype",
                            JsonNodeFactory.instance.textNode(options.denseDtype().get().torchName()));
                }
                outConfig.write(staged.path().resolve(HfConfig.FILE_NAME));
                for (Path aux : model.auxiliaryFiles()) {
                    Files.copy(aux, staged.path().resolve(aux.getFileName().toString()));
                }
                long after = weightBytes(staged.path());
                staged.publish();
                int ternary = (int) jobs.stream().filter(j -> j instanceof TernaryProjectionJob).count();
                return new ConvertReport(staged.target(), ternary, jobs.size() - ternary, linearBytes[0],
                        linearBytes[1], inputFileBytes(checkpoint), after, warnings);
            }
        }
    }

    private static void checkOutputIsNotInput(ModelDirectory model, Path output) {
        Path out = output.toAbsolutePath().normalize();
        Path root = model.root().toAbsolutePath().normalize();
        if (out.equals(root) || root.startsWith(out) || out.startsWith(root) && model.weightsFile().isEmpty()) {
            throw InvalidInputException.inFile(output, "overlaps the input model " + root
                    + "; write the output somewhere else (the input is never modified)");
        }
    }

    static List<TensorJob> plan(Checkpoint checkpoint, Architecture architecture, ConvertOptions options,
            List<String> warnings) {
        List<TensorJob> jobs = new ArrayList<>();
        for (String name : checkpoint.tensorNames()) {
            TensorInfo t = checkpoint.tensor(name);
            if (architecture.isProjectionWeight(name)) {
                Path file = checkpoint.fileOf(name).path();
                if (!t.dtype().isFloatingPoint()) {
                    throw InvalidInputException.inFile(file, "projection '" + name + "' is " + t.dtype()
                            + ", not F32/F16/BF16: is this checkpoint already quantized?");
                }
                if (t.rank() != 2) {
                    throw InvalidInputException.inFile(file, "projection '" + name + "' has rank " + t.rank()
                            + ", expected a 2-D [out, in] matrix");
                }
                if (HfBitNetLayout.isPackable(t.dim(0)) && t.dim(1) > 0) {
                    jobs.add(new TernaryProjectionJob(t));
                    continue;
                }
                warnings.add("kept " + name + " dense: " + t.dim(0) + " output rows is not a multiple of 4");
            }
            DType target = t.dtype().isFloatingPoint() ? options.denseDtype().orElse(t.dtype()) : t.dtype();
            jobs.add(new DenseTensorJob(t, target));
        }
        if (jobs.stream().noneMatch(j -> j instanceof TernaryProjectionJob)) {
            throw new InvalidInputException(checkpoint.files().getFirst().path() + ": no projection weights such as "
                    + "model.layers.0.self_attn.q_proj.weight found; is this a Llama-family checkpoint?");
        }
        return jobs;
    }

    /** Runs all jobs on a pool and returns {linear bytes before, linear bytes after}. */
    private static long[] runJobs(Checkpoint checkpoint, List<TensorJob> jobs, Path dir, ConvertOptions options,
            ConvertListener listener) throws IOException {
        List<TensorSpec> specs = jobs.stream().flatMap(j -> j.outputs().stream()).toList();
        long inputBytes = jobs.stream().mapToLong(TensorJob::inputBytes).sum();
        listener.started(jobs.size(), inputBytes);
        CheckpointWriter writer = CheckpointWriter.create(dir, specs, Map.of("format", "pt"), options.maxShardBytes());
        // Largest first, so two threads finish together instead of one idling behind a late embedding copy.
        List<TensorJob> schedule = new ArrayList<>(jobs);
        schedule.sort(Comparator.comparingLong(TensorJob::inputBytes).reversed());
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "ternary-convert");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (TensorJob job : schedule) {
                futures.add(pool.submit(() -> {
                    try {
                        job.run(checkpoint, writer);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    listener.tensorDone(job.sourceName(), job.inputBytes());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                await(f);
            }
            writer.close();
        } catch (IOException | RuntimeException e) {
            writer.abandon();
            throw e;
        } finally {
            pool.shutdownNow();
        }
        long before = 0;
        long after = 0;
        for (TensorJob j : jobs) {
            if (j instanceof TernaryProjectionJob) {
                before += j.inputBytes();
                after += j.outputBytes();
            }
        }
        return new long[] {before, after};
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    private static long inputFileBytes(Checkpoint checkpoint) throws IOException {
        long n = 0;
        for (SafetensorsFile f : checkpoint.files()) {
            n += Files.size(f.path());
        }
        return n;
    }

    private static long weightBytes(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }
}
