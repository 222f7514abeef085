/// The values the kernels' own parameters accept, declared once here (the kernels sit below settings).

extension Compute {
    /// The worker counts a command accepts (`--threads`): at least one, and no more than any machine
    /// this runs on has cores (more workers than cores only adds contention).
    public static let threadsRule = SettingRule<Int>.in(1...1024)
}

extension SeededRandom {
    /// The seeds suites (`seeds:`) and commands (`--seed`) accept: any non-negative integer.
    public static let seedRule = SettingRule<Int>.atLeast(0)
}
