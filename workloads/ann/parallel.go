package ann

// ForEachChunk splits [0, n) into at most `workers` contiguous chunks of
// equal size (the last may be shorter) and calls f(chunkIndex, lo, hi) for
// each, concurrently when there is more than one chunk. It returns when all
// calls have returned. Chunk boundaries depend only on n and workers.
func ForEachChunk(n, workers int, f func(w, lo, hi int)) {
	workers = max(1, min(workers, n))
	if workers == 1 {
		f(0, 0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	done := make(chan struct{}, workers)
	started := 0
	for w, lo := 0, 0; lo < n; w, lo = w+1, lo+chunk {
		hi := min(lo+chunk, n)
		started++
		go func() {
			defer func() { done <- struct{}{} }()
			f(w, lo, hi)
		}()
	}
	for range started {
		<-done
	}
}
