package chip

import (
	"fmt"

	"github.com/spikemesh/spikemesh/router"
)

// buildFanout gives every source (the cores of one population, or one
// host input group) its destinations over the outgoing edges: when every
// edge is dense, all of the targets' blocks and cores for every neuron
// (one shared list); otherwise per neuron the blocks whose rows hold it
// and their distinct cores, in edge order, then target core order.
func (s *Simulator) buildFanout(g *graph, srcs []*core, edges []int, blockOf []map[int]int32) {
	m := s.m
	uniform := true
	for _, ei := range edges {
		uniform = uniform && g.edges[ei].Kind == ProjDense
		for _, tc := range m.LayerCores[g.edges[ei].To] {
			uniform = uniform && m.Cores[tc].Split == nil // a split target takes each source on one part's core
		}
	}
	mark := make([]int32, len(s.cores)) // stamp per core: already a destination
	stamp := int32(0)
	if uniform {
		var blks, dests []int32
		stamp++
		for _, ei := range edges {
			for _, tc := range m.LayerCores[g.edges[ei].To] {
				blks = append(blks, blockOf[ei][tc])
				if mark[tc] != stamp {
					mark[tc] = stamp
					dests = append(dests, int32(tc))
				}
			}
		}
		for _, c := range srcs {
			c.blks, c.dests = blks, dests
		}
		return
	}
	// lists[k][src]: the target cores of edge edges[k] whose rows hold src.
	lists := make([][][]int32, len(edges))
	for k, ei := range edges {
		e := &g.edges[ei]
		if e.Kind == ProjDense {
			continue
		}
		lists[k] = make([][]int32, e.in)
		for _, tc := range m.LayerCores[e.To] {
			b := s.blockAt(blockOf[ei][tc])
			for src, r := range b.srcRow {
				if r >= 0 {
					lists[k][src] = append(lists[k][src], int32(tc))
				}
			}
		}
	}
	for _, c := range srcs {
		c.fanStart = make([]int32, c.n+1)
		c.dstStart = make([]int32, c.n+1)
		for ni := 0; ni < c.n; ni++ {
			stamp++
			add := func(ei int, tc int32) {
				c.fanBlk = append(c.fanBlk, blockOf[ei][int(tc)])
				if mark[tc] != stamp {
					mark[tc] = stamp
					c.fanDst = append(c.fanDst, tc)
				}
			}
			for k, ei := range edges {
				if lists[k] == nil {
					src := int32(c.lo + ni)
					for _, tc := range m.LayerCores[g.edges[ei].To] {
						if b := s.blockAt(blockOf[ei][tc]); src >= b.srcLo && src < b.srcHi {
							add(ei, int32(tc))
						}
					}
					continue
				}
				for _, tc := range lists[k][c.lo+ni] {
					add(ei, tc)
				}
			}
			c.fanStart[ni+1] = int32(len(c.fanBlk))
			c.dstStart[ni+1] = int32(len(c.fanDst))
		}
	}
}

// blockAt returns the block with global id id.
func (s *Simulator) blockAt(id int32) *block {
	r := s.blk[id]
	return &s.cores[r.ci].blocks[r.bi]
}

// neuronFanout returns the blocks and cores that neuron ni of source c
// sends to.
func (c *core) neuronFanout(ni int) (blks, dests []int32) {
	if c.fanStart == nil {
		return c.blks, c.dests
	}
	return c.fanBlk[c.fanStart[ni]:c.fanStart[ni+1]], c.fanDst[c.dstStart[ni]:c.dstStart[ni+1]]
}

// buildGroups registers one multicast group per distinct destination set
// of every source (the host input groups and each core) and records its
// tree's hops.
func (s *Simulator) buildGroups() error {
	add := func(from router.Endpoint, dests []int32, cache map[string]router.GroupID) (router.GroupID, error) {
		if len(dests) == 0 {
			return 0, nil
		}
		key := fmt.Sprint(dests)
		if g, ok := cache[key]; ok {
			return g, nil
		}
		eps := make([]router.Endpoint, len(dests))
		for i, di := range dests {
			eps[i] = s.cores[di].ep
		}
		g, err := s.mesh.AddGroup(from, eps)
		if err != nil {
			return 0, fmt.Errorf("chip: multicast routing tables: %w; raise router_table_entries or use delivery: unicast", err)
		}
		hx, hy := s.mesh.GroupHops(g)
		for len(s.grpHops) <= int(g) {
			s.grpHops = append(s.grpHops, [2]uint64{})
		}
		s.grpHops[g] = [2]uint64{uint64(hx), uint64(hy)}
		cache[key] = g
		return g, nil
	}
	var srcs []*core
	var from []router.Endpoint
	for i := range s.hosts {
		srcs, from = append(srcs, &s.hosts[i]), append(from, s.m.Host)
	}
	for ci := range s.cores {
		srcs, from = append(srcs, &s.cores[ci]), append(from, s.cores[ci].ep)
	}
	for i, c := range srcs {
		cache := map[string]router.GroupID{}
		var err error
		if c.fanStart == nil {
			if c.grp, err = add(from[i], c.dests, cache); err != nil {
				return err
			}
			continue
		}
		c.fanGrp = make([]router.GroupID, c.n)
		for ni := 0; ni < c.n; ni++ {
			_, dests := c.neuronFanout(ni)
			if c.fanGrp[ni], err = add(from[i], dests, cache); err != nil {
				return err
			}
		}
	}
	return nil
}
