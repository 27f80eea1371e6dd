package dev.ternary.notebooks;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.logging.LogManager;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts rapaio-jupyter-kernel (3.0.1; the code is unchanged upstream in 3.0.4) without its two start-up races.
 *
 * <p>The shell, control and heartbeat channels each poll their socket on a {@code LoopThread} whose {@code start}
 * sets {@code running = true} only after {@code Thread.start}; a thread scheduled before that assignment finds
 * the flag false and ends at once. When that is the shell's thread, nobody ever answers Jupyter's
 * {@code kernel_info_request} and Jupyter gives up ("Kernel didn't respond in 90 seconds"): one start in
 * eight on a 2-core machine. Restarting every loop thread with the flag set before it starts removes that race.
 *
 * <p>{@code Channels.connect} also binds the shell before it creates the message-handler map, so a request that
 * lands in between would make the shell thread call {@code get} on null and die. With an empty map in place
 * beforehand such a request is only logged as unhandled, and Jupyter repeats it a second later.
 *
 * <p>Everything else is what {@code MainApp.runKernel} does. The reflection fails loudly if an upgrade renames
 * the fields: check the races again then.
 */
public final class KernelLauncher {

    private KernelLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelLauncher CONNECTION_FILE (Jupyter passes it; see kernel.json)");
            System.exit(2);
        }
        reportDyingThreads();
        LogManager.getLogManager().readConfiguration(
                MainApp.class.getClassLoader().getResourceAsStream("logging.properties"));
        ConnectionProperties connection = Transform.fromJson(Files.readString(Path.of(args[0])),
                ConnectionProperties.class);
        Channels channels = new Channels(connection);
        writeField(channels, "handlers", new HashMap<>());
        channels.connect(MainApp.kernel);
        restartLoopThreads(channels);
        channels.joinUntilClose();
    }

    /** The kernel redirects System.err into notebook output; keep the launch stream for the kernel's log. */
    private static void reportDyingThreads() {
        PrintStream launchStderr = System.err;
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            launchStderr.println("KernelLauncher: thread " + thread.getName() + " died:");
            error.printStackTrace(launchStderr);
        });
    }

    private static void restartLoopThreads(Channels channels) throws ReflectiveOperationException,
            InterruptedException {
        for (Field field : Channels.class.getDeclaredFields()) {
            if (!AbstractChannel.class.isAssignableFrom(field.getType())) {
                continue;
            }
            field.setAccessible(true);
            Object channel = field.get(channels);
            if (!hasField(channel, "loopThread")) {
                continue; // iopub and stdin are used from the caller's thread
            }
            LoopThread started = (LoopThread) readField(channel, "loopThread");
            started.shutdown();
            started.join(); // never two pollers on one ZeroMQ socket
            LoopThread replacement = new LoopThread(started.getName(), (long) readField(started, "sleep"),
                    (Runnable) readField(started, "loopBody"));
            writeField(replacement, "running", true);
            writeField(channel, "loopThread", replacement);
            replacement.start();
        }
    }

    private static boolean hasField(Object owner, String name) {
        try {
            owner.getClass().getDeclaredField(name);
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static Object readField(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static void writeField(Object owner, String name, Object value) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(owner, value);
    }
}
