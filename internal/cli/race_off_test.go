//go:build !race

package cli

// raceDetector reports that the tests run under -race.
const raceDetector = false
