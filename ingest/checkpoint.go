package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"

	"github.com/overload-engine/overload/dataset"
)

// Checkpoints are appended to a log, one per run, under the state
// directory (<Root>/_ingest/<ShardName>/<n>.log): a record per user-week
// read. A file per user-week, written atomically (temporary file, fsync,
// rename), was 9-15% of the Graph ingest's CPU samples (perf), most of it
// in the filesystem (an inode and two directory entries per user and
// week), and would leave millions of files for a year's backfill of a
// large organisation.
//
// A record is a 12-byte header — "OVC1", the body's length and its
// CRC-32C (both big-endian uint32) — and the body: the ISO year (uint16)
// and week (uint8), the person id's length (uint16) and bytes, and the
// checkpoint's JSON. A run reads every log of the state directory when it
// starts and keeps, per user and week, where its latest record is; a log
// ends at its first record that is cut short or fails its checksum (a run
// killed mid-write, or a machine that lost its page cache: those user-weeks
// are read again). Records are not synced one by one: a checkpoint saves
// reading a user again, and a lost one costs only that.
//
// Checkpoint files of earlier versions (week=<W>/<person id>.json) are
// still read, so a run they began resumes.

const (
	ckptMagic     = "OVC1"
	ckptHeaderLen = 12
	ckptMaxBody   = 1 << 30
)

var ckptTable = crc32.MakeTable(crc32.Castagnoli)

// A ckptRef locates a user-week's checkpoint.
type ckptRef struct {
	log int32 // index into checkpoints.logs; ckptNone or ckptFile
	crc uint32
	off int64 // the body's offset
	n   uint32
}

const (
	ckptNone = -1 // no checkpoint
	ckptFile = -2 // a file of an earlier version
)

// checkpoints are a run's checkpoints: where each user-week's is, and the
// log this run appends to. Users are added as the directory is listed,
// while those added before are read.
type checkpoints struct {
	dir   string
	weeks []dataset.Week
	found map[string][]ckptRef // per person id not added yet: its records, per week
	logs  []*os.File           // read from; the last is this run's

	umu   sync.RWMutex // guards users
	users []*ckptUser

	mu  sync.Mutex // guards appends to the last log
	end int64

	// cut says, per log that ended before its end of file, where and
	// why: the user-weeks of the records after that are read again.
	cut []string

	files bool // the directory holds checkpoint files of an earlier version
}

// A ckptUser is a user of the run and where its weeks' checkpoints are.
type ckptUser struct {
	User
	refs []ckptRef // per week of checkpoints.weeks
}

// openCheckpoints reads the logs of dir for weeks, starts a new one for
// this run and adds users (more can be added as they are listed).
func openCheckpoints(dir string, weeks []dataset.Week, users []User) (*checkpoints, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	c := &checkpoints{dir: dir, weeks: weeks, found: map[string][]ckptRef{}}
	week := map[dataset.Week]int{}
	for w, wk := range weeks {
		week[wk] = w
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	if weekDirs, _ := filepath.Glob(filepath.Join(dir, "week=*")); len(weekDirs) > 0 {
		c.files = true
	}
	next := 0
	slices.SortFunc(names, func(a, b string) int { return logNumber(a) - logNumber(b) })
	for _, name := range names {
		n := logNumber(name)
		if n < 0 {
			continue
		}
		next = n + 1
		f, err := os.Open(name)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("checkpoints: %w", err)
		}
		c.logs = append(c.logs, f)
		if err := c.scan(int32(len(c.logs)-1), week); err != nil {
			c.close()
			return nil, err
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(next)+".log"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		c.close()
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	c.logs = append(c.logs, f)
	for _, u := range users {
		c.add(u)
	}
	return c, nil
}

// add adds user u to the run and returns its index. It is called one call
// at a time (as the directory is listed), while the users added before
// are read.
func (c *checkpoints) add(u User) int {
	refs := c.found[u.Person.PersonID]
	if refs == nil {
		refs = c.noRefs()
	} else {
		delete(c.found, u.Person.PersonID)
	}
	c.umu.Lock()
	defer c.umu.Unlock()
	c.users = append(c.users, &ckptUser{User: u, refs: refs})
	return len(c.users) - 1
}

// noRefs returns refs to no checkpoint, one per week.
func (c *checkpoints) noRefs() []ckptRef {
	refs := make([]ckptRef, len(c.weeks))
	for w := range refs {
		refs[w].log = ckptNone
	}
	return refs
}

// user returns user i.
func (c *checkpoints) user(i int) *ckptUser {
	c.umu.RLock()
	defer c.umu.RUnlock()
	return c.users[i]
}

// list returns the users added, in order.
func (c *checkpoints) list() []*ckptUser {
	c.umu.RLock()
	defer c.umu.RUnlock()
	return slices.Clone(c.users)
}

// logNumber returns n of a path ending in <n>.log, -1 if it does not.
func logNumber(path string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(path), ".log"))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// scan records where log l's records are, up to its first bad one.
func (c *checkpoints) scan(l int32, week map[dataset.Week]int) error {
	st, err := c.logs[l].Stat()
	if err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	r := bufio.NewReaderSize(c.logs[l], 1<<16)
	var off int64
	var body []byte
	for {
		var h [ckptHeaderLen]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			if err == io.ErrUnexpectedEOF {
				return c.cutAt(l, off, "record cut short")
			}
			return fmt.Errorf("checkpoints: %s: %w", c.logs[l].Name(), err)
		}
		n, sum := binary.BigEndian.Uint32(h[4:8]), binary.BigEndian.Uint32(h[8:12])
		if string(h[:4]) != ckptMagic || n > ckptMaxBody {
			return c.cutAt(l, off, "no record header")
		}
		if off+ckptHeaderLen+int64(n) > st.Size() { // checked before a damaged length allocates
			return c.cutAt(l, off, "record cut short")
		}
		body = slices.Grow(body[:0], int(n))[:n]
		if _, err := io.ReadFull(r, body); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return c.cutAt(l, off, "record cut short")
			}
			return fmt.Errorf("checkpoints: %s: %w", c.logs[l].Name(), err)
		}
		if crc32.Checksum(body, ckptTable) != sum {
			return c.cutAt(l, off, "checksum mismatch")
		}
		wk, pid, _, ok := splitBody(body)
		if !ok {
			return c.cutAt(l, off, "record body malformed")
		}
		if w, ok := week[wk]; ok {
			refs := c.found[pid]
			if refs == nil {
				refs = c.noRefs()
				c.found[pid] = refs
			}
			refs[w] = ckptRef{log: l, crc: sum, off: off + ckptHeaderLen, n: n}
		}
		off += ckptHeaderLen + int64(n)
	}
}

// cutAt notes that log l ends at off, and why.
func (c *checkpoints) cutAt(l int32, off int64, why string) error {
	c.cut = append(c.cut, fmt.Sprintf("%s at byte %d: %s", filepath.Base(c.logs[l].Name()), off, why))
	return nil
}

// splitBody returns a record body's week, person id and JSON.
func splitBody(b []byte) (w dataset.Week, pid string, js []byte, ok bool) {
	if len(b) < 5 {
		return w, "", nil, false
	}
	w = dataset.Week{Year: int(binary.BigEndian.Uint16(b)), Num: int(b[2])}
	n := int(binary.BigEndian.Uint16(b[3:5]))
	if len(b) < 5+n {
		return w, "", nil, false
	}
	return w, string(b[5 : 5+n]), b[5+n:], true
}

// pending returns the weeks of c that user i has no checkpoint for.
func (c *checkpoints) pending(i int) []dataset.Week {
	u := c.user(i)
	var out []dataset.Week
	for w, wk := range c.weeks {
		ref := &u.refs[w]
		if ref.log == ckptNone && c.files {
			if _, err := os.Stat(c.filePath(wk, u)); err == nil {
				ref.log = ckptFile
			}
		}
		if ref.log == ckptNone {
			out = append(out, wk)
		}
	}
	return out
}

// filePath is where an earlier version kept user u's checkpoint of week.
func (c *checkpoints) filePath(week dataset.Week, u *ckptUser) string {
	return filepath.Join(c.dir, "week="+week.String(), u.Person.PersonID+".json")
}

// put appends user i's checkpoint of week.
func (c *checkpoints) put(i int, week dataset.Week, cp *checkpoint) error {
	w := slices.Index(c.weeks, week)
	u := c.user(i)
	pid := u.Person.PersonID
	if w < 0 || len(pid) > 1<<16-1 {
		return fmt.Errorf("write checkpoint: week %s or person id not of this run", week)
	}
	// The record is built in one buffer: header, body head, then the JSON
	// marshalled after them; the length and checksum go in last.
	head := make([]byte, ckptHeaderLen+5, ckptHeaderLen+5+len(pid)+4096)
	copy(head, ckptMagic)
	binary.BigEndian.PutUint16(head[ckptHeaderLen:], uint16(week.Year))
	head[ckptHeaderLen+2] = byte(week.Num)
	binary.BigEndian.PutUint16(head[ckptHeaderLen+3:], uint16(len(pid)))
	buf := bytes.NewBuffer(append(head, pid...))
	if err := json.MarshalWrite(buf, cp, checkpointOptions); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	rec := buf.Bytes()
	body := rec[ckptHeaderLen:]
	if len(body) > ckptMaxBody {
		return fmt.Errorf("write checkpoint: %d bytes, more than a record holds", len(body))
	}
	sum := crc32.Checksum(body, ckptTable)
	binary.BigEndian.PutUint32(rec[4:], uint32(len(body)))
	binary.BigEndian.PutUint32(rec[8:], sum)

	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.logs[len(c.logs)-1]
	if _, err := l.WriteAt(rec, c.end); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	u.refs[w] = ckptRef{log: int32(len(c.logs) - 1), crc: sum, off: c.end + ckptHeaderLen, n: uint32(len(body))}
	c.end += int64(len(rec))
	return nil
}

// decode decodes user i's checkpoint of the week at index w into v: a
// *checkpoint, or a pointer to a struct of some of its members.
func (c *checkpoints) decode(w, i int, v any) error {
	u := c.user(i)
	ref := u.refs[w]
	switch ref.log {
	case ckptNone:
		return fmt.Errorf("read checkpoint: none for week %s of %s", c.weeks[w], u.Person.PersonID)
	case ckptFile:
		return readCheckpointInto(c.filePath(c.weeks[w], u), v)
	}
	l := c.logs[ref.log]
	body := make([]byte, ref.n)
	if _, err := l.ReadAt(body, ref.off); err != nil {
		return fmt.Errorf("read checkpoint %s at %d: %w", l.Name(), ref.off, err)
	}
	_, _, js, ok := splitBody(body)
	if !ok || crc32.Checksum(body, ckptTable) != ref.crc {
		return fmt.Errorf("read checkpoint %s at %d: changed since it was written", l.Name(), ref.off)
	}
	if err := json.Unmarshal(js, v, checkpointOptions); err != nil {
		return fmt.Errorf("read checkpoint %s at %d: %w", l.Name(), ref.off, err)
	}
	return nil
}

// close closes the logs, and removes this run's if it holds nothing (a
// run that failed before reading anyone leaves no empty log behind).
func (c *checkpoints) close() error {
	var errs []error
	for _, l := range c.logs {
		errs = append(errs, l.Close())
	}
	if n := len(c.logs); n > 0 && c.end == 0 {
		errs = append(errs, os.Remove(c.logs[n-1].Name()))
	}
	c.logs = nil
	return errors.Join(errs...)
}
