# The one PCM WAV generator of the PowerShell tests, the fault campaign (tests/Chaos) and the benchmarks (tests/Bench):
# 8 kHz, 16-bit mono, a sine of $Hz (a whole number of hertz), and optionally one last sample of a given value (so
# that files of the same length differ in content while staying valid audio: a byte after the RIFF chunk would be
# refused as an appended payload). Returns the file's bytes. The first second is computed sample by sample; longer
# audio repeats it (a whole number of periods per second), so a 50 MB benchmark file takes milliseconds.
function New-TestWavBytes([int] $Samples, [int] $Hz = 440, [object] $LastSample = $null) {
    $rate = 8000
    $total = $Samples + [int]($null -ne $LastSample)
    $bytes = [byte[]]::new(44 + 2 * $total)
    $ms = [System.IO.MemoryStream]::new($bytes); $w = [System.IO.BinaryWriter]::new($ms)
    $w.Write([Text.Encoding]::ASCII.GetBytes('RIFF')); $w.Write([int](36 + $total * 2)); $w.Write([Text.Encoding]::ASCII.GetBytes('WAVEfmt '))
    $w.Write([int]16); $w.Write([int16]1); $w.Write([int16]1); $w.Write([int]$rate); $w.Write([int]($rate * 2)); $w.Write([int16]2); $w.Write([int16]16)
    $w.Write([Text.Encoding]::ASCII.GetBytes('data')); $w.Write([int]($total * 2))
    $step = 2 * [math]::PI * $Hz / $rate
    $direct = [math]::Min($Samples, $rate)
    for ($i = 0; $i -lt $direct; $i++) { $w.Write([int16](8000 * [math]::Sin($step * $i))) }
    $w.Flush()
    for ($done = $direct; $done -lt $Samples; $done += $rate) {
        [Buffer]::BlockCopy($bytes, 44, $bytes, 44 + 2 * $done, 2 * [math]::Min($rate, $Samples - $done))
    }
    if ($null -ne $LastSample) { $ms.Position = 44 + 2 * $Samples; $w.Write([int16]$LastSample); $w.Flush() }
    , $bytes
}
