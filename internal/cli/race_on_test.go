//go:build race

package cli

// raceDetector reports that the tests run under -race, which makes the
// real-data backtest too slow to be worth its minutes there.
const raceDetector = true
