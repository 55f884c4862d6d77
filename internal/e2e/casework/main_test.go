package casework

import (
	"testing"

	"kycportal/internal/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }
