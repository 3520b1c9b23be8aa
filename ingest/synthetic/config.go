package synthetic

import (
	"fmt"

	"github.com/overload-engine/overload/dataset"
)

// Defaults for the zero values of Config.
const (
	DefaultPeople = 500
	DefaultWeeks  = 4
	DefaultDomain = "example.com"
)

// DefaultKey is a fixed HMAC key for demos and tests. It is public, so the
// pseudonyms it gives protect nothing: never use it for real data.
const DefaultKey = "overload-synthetic-demo-key-NOT-SECRET"

// Source is the source column value of every row Org.Tables produces.
const Source = "synthetic"

// Config configures Generate. Zero values mean the documented defaults.
type Config struct {
	People int          // number of internal people; 0 = DefaultPeople
	Weeks  int          // number of weeks generated; 0 = DefaultWeeks
	Start  dataset.Week // first week; required
	Seed   int64        // random seed: the same Config always gives the same Org
	Domain string       // the organisation's email domain; "" = DefaultDomain
}

// withDefaults returns cfg with defaults applied, or an error naming the
// first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.People == 0 {
		cfg.People = DefaultPeople
	}
	if cfg.Weeks == 0 {
		cfg.Weeks = DefaultWeeks
	}
	if cfg.Domain == "" {
		cfg.Domain = DefaultDomain
	}
	switch {
	case cfg.People < 2 || cfg.People > 100_000:
		return cfg, fmt.Errorf("synthetic config: people %d out of range 2..100000", cfg.People)
	case cfg.Weeks < 1 || cfg.Weeks > 104:
		return cfg, fmt.Errorf("synthetic config: weeks %d out of range 1..104", cfg.Weeks)
	case cfg.Start.Year == 0:
		return cfg, fmt.Errorf("synthetic config: start week is required")
	case dataset.WeekOf(cfg.Start.Monday()) != cfg.Start:
		return cfg, fmt.Errorf("synthetic config: start week %v does not exist", cfg.Start)
	}
	return cfg, nil
}
