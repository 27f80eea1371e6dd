package dev.ternary.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {
    @Test
    void parsesTheFirstFlagsLine() {
        List<String> cpuinfo = List.of(
                "processor\t: 0",
                "model name\t: AMD EPYC",
                "flags\t\t: fpu avx2 avx512f avx512_vpopcntdq  gfni",
                "processor\t: 1",
                "flags\t\t: fpu sse2");
        assertEquals(Set.of("fpu", "avx2", "avx512f", "avx512_vpopcntdq", "gfni"), CpuFeatures.parse(cpuinfo));
    }

    @Test
    void noFlagsLineOrNoFileMeansNoFeatures(@TempDir Path dir) throws Exception {
        assertEquals(Set.of(), CpuFeatures.parse(List.of("Features\t: fp asimd", "vendor_id : ARM")));
        assertEquals(Set.of(), CpuFeatures.read(dir.resolve("missing")));
        Path file = Files.writeString(dir.resolve("cpuinfo"), "flags : avx2 avx512_vpopcntdq\n");
        assertTrue(CpuFeatures.read(file).contains("avx512_vpopcntdq"));
    }
}
