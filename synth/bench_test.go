package synth

import "testing"

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
