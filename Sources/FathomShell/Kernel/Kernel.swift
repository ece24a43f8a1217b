#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage
import Synchronization

/// What the kernel's threads share: the signing key, the iopub socket (behind a lock: a
/// ZeroMQ socket is for one thread at a time), and whether a shutdown was asked for.
final class KernelChannels: Sendable {
    let signer: MessageSigner
    /// The kernel's session id, in the header of every message it sends.
    let sessionID = JupyterMessage.newID()
    private let iopub: Mutex<ZeroMQSocket>
    /// 0 running; 1 shutting down; 2 shutting down to be restarted.
    let stopping = Atomic<Int>(0)
    /// Set once the shell loop has ended and the session is closed.
    let finished = Atomic<Bool>(false)

    init(signer: MessageSigner, iopub: ZeroMQSocket) {
        self.signer = signer
        self.iopub = Mutex(iopub)
    }

    /// Publishes a message on iopub.
    func publish(_ type: String, parent: JupyterMessage?, _ content: JSONValue) {
        let message = JupyterMessage(type: type, parent: parent, session: sessionID, content: content, identities: [Array(type.utf8)])
        let frames = message.frames(signer)
        iopub.withLock { socket in
            do { try socket.send(frames) } catch { Kernel.log("cannot publish \(type): \(error)") }
        }
    }

    func status(_ state: String, parent: JupyterMessage?) {
        publish("status", parent: parent, .object([("execution_state", .string(state))]))
    }

    /// Sends a reply to `request` on `socket`, to the identities it came from.
    func reply(_ type: String, to request: JupyterMessage, on socket: ZeroMQSocket, _ content: JSONValue) {
        let message = JupyterMessage(type: type, parent: request, session: sessionID, content: content, identities: request.identities)
        do { try socket.send(message.frames(signer)) } catch { Kernel.log("cannot send \(type): \(error)") }
    }

    func closeIOPub() {
        iopub.withLock { $0.close() }
    }

    /// Reads a received message, or logs why it was refused and returns nil.
    func read(_ frames: [[UInt8]], channel: String) -> JupyterMessage? {
        do {
            return try JupyterMessage(frames: frames, signer: signer)
        } catch {
            Kernel.log("refused a message on \(channel): \(error)")
            return nil
        }
    }

    /// shutdown_request (control, or shell from older front ends): reply, then stop the
    /// shell loop; a running cell is interrupted first.
    func shutdown(_ request: JupyterMessage, on socket: ZeroMQSocket) {
        let restart = request.content["restart"]?.boolValue ?? false
        status("busy", parent: request)
        reply("shutdown_reply", to: request, on: socket, .object([("status", .string("ok")), ("restart", .bool(restart))]))
        status("idle", parent: request)
        stopping.store(restart ? 2 : 1, ordering: .relaxed)
        Interruption.request()
    }

    /// interrupt_request: the same as the signal (Ctrl-C): the running cell stops, the
    /// session and its variables stay.
    func interrupt(_ request: JupyterMessage, on socket: ZeroMQSocket) {
        Interruption.request()
        status("busy", parent: request)
        reply("interrupt_reply", to: request, on: socket, .object([("status", .string("ok"))]))
        status("idle", parent: request)
    }
}

/// A Jupyter kernel (messaging protocol 5.3) around one Fathom session: shell requests run on
/// the calling thread, control requests (shutdown, interrupt) on their own thread so they are
/// answered while a cell runs, the heartbeat echoes on a third.
final class Kernel {
    let connection: ConnectionFile
    let context = ZeroMQContext()
    let shell: ZeroMQSocket
    let control: ZeroMQSocket
    let stdinSocket: ZeroMQSocket
    let heartbeat: ZeroMQSocket
    let channels: KernelChannels
    let session: Session
    /// The number of the last cell run with store_history.
    var executionCount = 0
    /// The cells run with store_history: their number, code and shown value as text.
    var history: [(count: Int, input: String, output: String)] = []

    /// A socket that could not listen.
    struct BindFailure: Error {
        var message: String
    }

    init(connection: ConnectionFile) throws(BindFailure) {
        self.connection = connection
        do {
            shell = try ZeroMQSocket(context, .router)
            control = try ZeroMQSocket(context, .router)
            stdinSocket = try ZeroMQSocket(context, .router)
            heartbeat = try ZeroMQSocket(context, .reply)
            let iopub = try ZeroMQSocket(context, .publisher)
            channels = KernelChannels(signer: MessageSigner(key: connection.key), iopub: iopub)
            let bindings: [(ZeroMQSocket, Int, String)] = [
                (shell, connection.shellPort, "shell_port"), (control, connection.controlPort, "control_port"),
                (stdinSocket, connection.stdinPort, "stdin_port"), (heartbeat, connection.heartbeatPort, "hb_port"),
                (iopub, connection.iopubPort, "iopub_port"),
            ]
            for (socket, port, field) in bindings {
                do { try socket.bind(connection.endpoint(port)) } catch let e as ZeroMQError {
                    // The context ends only once every socket is closed.
                    for (s, _, _) in bindings { s.close() }
                    throw BindFailure(message: "cannot listen on \(connection.endpoint(port)) (\(field)): \(e.reason)")
                }
            }
        } catch let e as BindFailure {
            throw e
        } catch {
            throw BindFailure(message: "cannot open the kernel's sockets: \(error)")
        }
        shell.setReceiveTimeout(100)
        control.setReceiveTimeout(100)
        var settings = Settings()
        settings.color = false
        session = Session(settings: settings)
    }

    static func log(_ text: String) {
        Console().error("fathom kernel: " + Printable.text(text) + "\n")
    }

    /// Serves until a shutdown request; returns the exit status.
    func serve() -> Int32 {
        Signals.installInterruptHandler()
        let heartbeatThread = Kernel.startThread { [heartbeat] in
            while true {
                guard let frames = try? heartbeat.receive() else { break }
                if frames.isEmpty { continue }
                try? heartbeat.send(frames)
            }
            heartbeat.close()
        }
        let controlThread = Kernel.startThread { [control, channels] in
            Kernel.controlLoop(control, channels)
        }
        channels.status("starting", parent: nil)
        while channels.stopping.load(ordering: .relaxed) == 0 {
            // A Ctrl-C that came while no cell ran has nothing to stop.
            Interruption.clear()
            let frames: [[UInt8]]?
            do { frames = try shell.receive() } catch { Kernel.log("the shell channel failed: \(error)"); break }
            guard let frames, let request = channels.read(frames, channel: "shell") else { continue }
            handleShell(request)
        }
        session.close()
        channels.finished.store(true, ordering: .relaxed)
        if channels.stopping.load(ordering: .relaxed) == 0 { channels.stopping.store(1, ordering: .relaxed) }
        pthread_join(controlThread, nil)
        shell.close()
        stdinSocket.close()
        channels.closeIOPub()
        context.shutdown()
        pthread_join(heartbeatThread, nil)
        return ExitStatus.ok
    }

    /// The control channel: shutdown and interrupt, answered even while a cell runs.
    static func controlLoop(_ control: ZeroMQSocket, _ channels: KernelChannels) {
        while channels.stopping.load(ordering: .relaxed) == 0 {
            let frames: [[UInt8]]?
            do { frames = try control.receive() } catch { break }
            guard let frames, let request = channels.read(frames, channel: "control") else { continue }
            switch request.type {
            case "shutdown_request": channels.shutdown(request, on: control)
            case "interrupt_request": channels.interrupt(request, on: control)
            case "kernel_info_request":
                channels.status("busy", parent: request)
                channels.reply("kernel_info_reply", to: request, on: control, Kernel.kernelInfo)
                channels.status("idle", parent: request)
            default: log("ignored '\(request.type)' on the control channel")
            }
        }
        // A cell that does not notice the interruption within five seconds does not hold
        // the shutdown up.
        for _ in 0..<500 where !channels.finished.load(ordering: .relaxed) { usleep(10_000) }
        if !channels.finished.load(ordering: .relaxed) {
            log("the running cell did not stop within 5 s; leaving")
            _exit(0)
        }
        control.close()
    }

    func handleShell(_ request: JupyterMessage) {
        switch request.type {
        case "execute_request": execute(request)
        case "shutdown_request": channels.shutdown(request, on: shell)
        case "comm_open", "comm_msg", "comm_close": break
        default:
            guard let content = answer(request) else {
                Kernel.log("ignored a message of unknown type '\(request.type)'")
                return
            }
            channels.status("busy", parent: request)
            channels.reply(request.type.replacingAll("_request", with: "_reply"), to: request, on: shell, content)
            channels.status("idle", parent: request)
        }
    }

    /// Starts a thread running `body`.
    static func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return thread
    }
}

extension Frontends {
    /// `fathom kernel -f FILE`: serves the Jupyter front end that wrote the connection file.
    public static func kernel(connectionFile path: String) -> Int32 {
        let console = Console()
        let connection: ConnectionFile
        do {
            connection = try ConnectionFile(path: path)
        } catch {
            console.error("fathom kernel: " + Printable.text(error.message) + "\n")
            return ExitStatus.usage
        }
        let kernel: Kernel
        do {
            kernel = try Kernel(connection: connection)
        } catch {
            console.error("fathom kernel: " + Printable.text(error.message) + "\n")
            return ExitStatus.failed
        }
        return kernel.serve()
    }

    /// `fathom kernel install`: writes the kernel spec; prints where.
    public static func installKernel(name: String, user: Bool, prefix: String?) -> Int32 {
        let console = Console()
        switch KernelSpec.install(name: name, user: user, prefix: prefix) {
        case .success(let folder):
            console.write("installed the Fathom kernel spec in \(Printable.text(folder))\n")
            console.flush()
            return ExitStatus.ok
        case .failure(let e):
            console.error("fathom kernel install: " + Printable.text(e.message) + "\n")
            return ExitStatus.failed
        }
    }
}
