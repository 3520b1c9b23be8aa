package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// readStrictYAML decodes the YAML file at path into v, rejecting fields v
// does not have. A read error is wrapped; a decode error (io.EOF for an
// empty file) is returned as it is, for the caller to word.
func readStrictYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// relTo resolves a path from a config file against the file's directory
// dir; empty and absolute paths are left as they are.
func relTo(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// sourceFileConfig holds the fields every `overload ingest SOURCE` config
// file has besides its source's section.
type sourceFileConfig struct {
	// OrgKeyFile holds the organisation's pseudonymization key (at least
	// 16 bytes; surrounding blanks are ignored).
	OrgKeyFile string `yaml:"org_key_file"`
	// Concurrency is how many users are read at once; 0 = the default.
	Concurrency int `yaml:"concurrency,omitempty"`
}

// resolve makes OrgKeyFile relative to dir and checks both fields.
func (c *sourceFileConfig) resolve(path, dir string) error {
	c.OrgKeyFile = relTo(dir, c.OrgKeyFile)
	switch {
	case c.OrgKeyFile == "":
		return fmt.Errorf("config %s: org_key_file is required", path)
	case c.Concurrency < 0:
		return fmt.Errorf("config %s: concurrency %d: want 0 or more", path, c.Concurrency)
	}
	return nil
}
