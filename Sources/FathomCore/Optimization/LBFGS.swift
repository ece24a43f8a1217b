/// Limited-memory BFGS (Nocedal & Wright 2006, algorithm 7.4/7.5) with a backtracking line
/// search under the Armijo condition; curvature pairs with sᵀy ≤ 0 are skipped. Used for
/// smooth convex objectives (logistic regression, temperature, Platt scaling).
public struct LBFGS: Sendable {
    /// Correction pairs kept.
    public var memory = 10
    public var maxIterations = 2000
    /// Stop when ‖∇f‖∞ ≤ gradientTolerance · max(1, |f|).
    public var gradientTolerance = 1e-10

    public init(memory: Int = 10, maxIterations: Int = 2000, gradientTolerance: Double = 1e-10) {
        self.memory = memory
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var converged: Bool
        public var gradientNorm: Double
    }

    /// Minimises f from x0; `f(x, &g)` returns f(x) and writes ∇f(x) into g. Polls Ctrl-C once
    /// per iteration.
    public func minimize(_ x0: [Double], _ f: ([Double], inout [Double]) throws -> Double) throws -> Result {
        let n = x0.count
        var x = x0
        var g = [Double](repeating: 0, count: n)
        var fx = try f(x, &g)
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var iteration = 0
        func infNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var t = 0.0
            for i in 0..<n { t += a[i] * b[i] }
            return t
        }
        var stalled = 0
        while iteration < maxIterations {
            let gn = infNorm(g)
            if gn <= gradientTolerance * max(1, abs(fx)) {
                return Result(x: x, value: fx, iterations: iteration, converged: true, gradientNorm: gn)
            }
            try Interruption.check()
            // Two-loop recursion: d = −H·g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[k] = rho[k] * dot(s[k], q)
                for i in 0..<n { q[i] -= alpha[k] * y[k][i] }
            }
            if let last = s.indices.last {
                let gamma = dot(s[last], y[last]) / dot(y[last], y[last])
                for i in 0..<n { q[i] *= gamma }
            } else {
                let scale = 1 / max(gn, 1e-300)
                for i in 0..<n { q[i] *= min(1, scale) }
            }
            for k in 0..<s.count {
                let beta = rho[k] * dot(y[k], q)
                for i in 0..<n { q[i] += s[k][i] * (alpha[k] - beta) }
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if slope >= 0 {
                // Not a descent direction: restart from steepest descent.
                s.removeAll(); y.removeAll(); rho.removeAll()
                d = g.map { -$0 / max(gn, 1e-300) }
                slope = dot(g, d)
            }
            // Backtracking line search (Armijo, c1 = 1e-4).
            var step = 1.0
            var xNew = x, gNew = g, fNew = fx
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<n { xNew[i] = x[i] + step * d[i] }
                fNew = try f(xNew, &gNew)
                if fNew.isFinite, fNew <= fx + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted {
                return Result(x: x, value: fx, iterations: iteration, converged: false, gradientNorm: gn)
            }
            let sk = (0..<n).map { xNew[$0] - x[$0] }
            let yk = (0..<n).map { gNew[$0] - g[$0] }
            let sy = dot(sk, yk)
            if sy > 1e-12 * dot(yk, yk) {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            // Stop when the objective no longer moves at all (at the limit of precision).
            if abs(fx - fNew) <= 1e-16 * max(1, abs(fx)) { stalled += 1 } else { stalled = 0 }
            x = xNew; g = gNew; fx = fNew
            iteration += 1
            if stalled >= 5 {
                return Result(x: x, value: fx, iterations: iteration, converged: true, gradientNorm: infNorm(g))
            }
        }
        return Result(x: x, value: fx, iterations: iteration, converged: false, gradientNorm: infNorm(g))
    }
}
