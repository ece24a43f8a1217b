#if canImport(Glibc)
import Glibc
#endif
import CFathomZmq

/// A thin layer over libzmq: one context per kernel, sockets that send and receive
/// multipart messages. A socket is used by one thread at a time (libzmq's rule); the kernel
/// gives each thread its own socket and guards the shared one (iopub) with a lock.
final class ZeroMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() {
        handle = zmq_ctx_new()
    }

    /// Ends the context: blocking calls on its sockets return `ETERM`.
    func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        zmq_ctx_term(handle)
    }
}

/// A libzmq failure with the call's words and libzmq's reason.
struct ZeroMQError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var reason: String { String(cString: zmq_strerror(code)) }
    var description: String { "\(call): \(reason)" }
}

/// One ZeroMQ socket.
final class ZeroMQSocket: @unchecked Sendable {
    enum Kind {
        case router, publisher, reply

        var zmqType: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            }
        }
    }

    private var handle: UnsafeMutableRawPointer?

    init(_ context: ZeroMQContext, _ kind: Kind) throws {
        guard let h = zmq_socket(context.handle, kind.zmqType) else {
            throw ZeroMQError(call: "zmq_socket", code: zmq_errno())
        }
        handle = h
        var linger: Int32 = 0
        zmq_setsockopt(h, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    /// Waits at most `milliseconds` in each receive (-1: for ever), so a loop can look at its
    /// stop flag between messages.
    func setReceiveTimeout(_ milliseconds: Int32) {
        var ms = milliseconds
        zmq_setsockopt(handle, ZMQ_RCVTIMEO, &ms, MemoryLayout<Int32>.size)
    }

    func bind(_ endpoint: String) throws {
        if zmq_bind(handle, endpoint) != 0 {
            throw ZeroMQError(call: "zmq_bind", code: zmq_errno())
        }
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let e = zmq_errno()
                if e == EINTR { continue }
                throw ZeroMQError(call: "zmq_send", code: e)
            }
        }
    }

    /// The next multipart message, or nil when the receive timeout passed first.
    /// Throws when the socket is closed or the context ended (`ETERM`).
    func receive() throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            if zmq_msg_recv(&message, handle, 0) < 0 {
                let e = zmq_errno()
                if e == EINTR { continue }
                if e == EAGAIN, frames.isEmpty { return nil }
                if e == EAGAIN { continue }
                throw ZeroMQError(call: "zmq_msg_recv", code: e)
            }
            let size = zmq_msg_size(&message)
            let bytes = zmq_msg_data(&message).map { [UInt8](UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            frames.append(bytes)
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    func close() {
        if let h = handle { zmq_close(h) }
        handle = nil
    }
}
