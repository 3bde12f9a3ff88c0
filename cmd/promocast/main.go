// Command promocast forecasts what a promotion will do before it runs. See
// the README or `promocast --help`.
package main

import (
	"os"

	"promocast/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
