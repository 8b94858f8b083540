/* eqsim: the window loop of backend="mpi" in C (eqsim/parallel/windows.py builds it).
 *
 * One call runs the windows of a chunk of steps: for each window it calls the network
 * module's eqsim_run (through a function pointer) until the threshold of the window's last
 * step, exchanges the spike codes of the window between the ranks, merges the ranks'
 * sorted blocks into the single-process order (step, global index) and queues them with
 * the module's eqsim_enqueue; the next window starts with the second half of that step.
 * It returns to Python only at the end of the chunk or when Python must act: a monitor
 * buffer or a spike queue is full, a buffer of this driver is too small, a value is not
 * finite. Its state lives in an int64 array that Python owns (enum below), so a call
 * that returned continues where it stopped.
 *
 * Built twice from this one file: with -DEQSIM_WITH_MPI against the MPI library mpi4py
 * loaded (the exchange goes through shared memory when all ranks share a node, else
 * MPI_Allgather of fixed-size blocks, or MPI_Alltoall of blocks holding only the spikes
 * each rank needs), and without it for one process (the exchange is the rank's own
 * outbox). */
#define _POSIX_C_SOURCE 200112L   /* clock_gettime under -std=c99 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#ifdef EQSIM_WITH_MPI
#include <mpi.h>
#include <sched.h>
#endif

typedef int64_t (*eqsim_run_t)(void **, const double *, int64_t *, int64_t, int64_t,
                               int64_t *, int64_t);
typedef int64_t (*eqsim_enqueue_t)(void **, int64_t *, const int64_t *, int64_t, int64_t);

/* the slots of the state array (eqsim/parallel/windows.py names them alike) */
enum {
    W_STEP, W_PENDING, W_END, W_FINISH, W_WINDOW, W_DONE, W_PHASE, W_NRECV, W_WSTART,
    W_COMM, W_SIZE, W_RANK, W_SLOTS, W_RECENT, W_SEEN, W_SENDCAP, W_RECVCAP, W_NEED,
    W_SID, W_RESUME_SLOT, W_SPLIT_SLOT, W_XFIRST_SLOT, W_XCOUNT_SLOT, W_POS0_SLOT,
    W_POS1_SLOT, W_NBLOCKS, W_NTHREADS, W_MODE, W_WIDTH, W_LAST_STEP,
    W_EXCHANGES, W_ROUNDS, W_BYTES, W_SPIKES, W_WINDOWS, W_NS_COMPUTE, W_NS_EXCHANGE,
    W_SLOTS_MIN, W_SEQ, W_SHM_CAP, W_SHM_WIN, W_SHM_COMM, W_NSTATE
};
/* returned to Python, beside the module's RUN_DONE (0), RUN_BUFFER_FULL (1) and
 * RUN_NOT_FINITE (2) */
enum { W_QUEUE_FULL = 10, W_NEED_BUFFER = 11, W_OUT_OF_STEP = 12 };
/* the buffers Python gives (void *[]) */
enum { B_OUTBOX, B_SEND, B_RECV, B_MERGED, B_TMP, B_NEED, B_SHM, B_NBUF };

static int64_t eqsim_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#ifdef EQSIM_WITH_MPI
/* Merge the k sorted runs run[r][0:len[r]] into out (tmp: room for as many): pairwise,
 * bottom-up. A rank's run is sorted because the exchange numbers the groups in the order
 * their thresholds run (runtime/distributed.py); unsorted runs would give another order. */
static int64_t eqsim_merge(int64_t k, const int64_t *const *run, const int64_t *len,
                           int64_t *out, int64_t *tmp)
{
    int64_t total = 0, start[k + 1];
    for (int64_t r = 0; r < k; r++) {
        start[r] = total;
        memcpy(out + total, run[r], (size_t)len[r] * sizeof *out);
        total += len[r];
    }
    start[k] = total;
    int64_t *src = out, *dst = tmp;
    for (int64_t width = 1; width < k; width *= 2) {
        for (int64_t r = 0; r < k; r += 2 * width) {
            const int64_t lo = start[r], mid = start[r + width < k ? r + width : k];
            const int64_t hi = start[r + 2 * width < k ? r + 2 * width : k];
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) dst[o++] = src[a] < src[b] ? src[a++] : src[b++];
            while (a < mid) dst[o++] = src[a++];
            while (b < hi) dst[o++] = src[b++];
        }
        int64_t *swap = src; src = dst; dst = swap;
    }
    if (src != out) memcpy(out, src, (size_t)total * sizeof *out);
    return total;
}

/* Shrink the blocks when the last 64 exchanges used a quarter of them or less (every
 * rank sees the same counts, so all shrink together). */
static void eqsim_fit(int64_t *st, int64_t most) {
    if (most > st[W_RECENT]) st[W_RECENT] = most;
    if (++st[W_SEEN] >= 64) {
        if (4 * st[W_RECENT] < st[W_SLOTS]) {
            int64_t s = 2 * st[W_RECENT];
            st[W_SLOTS] = s > st[W_SLOTS_MIN] ? s : st[W_SLOTS_MIN];
        }
        st[W_RECENT] = 0;
        st[W_SEEN] = 0;
    }
}

/* One exchange of the n codes in the outbox: every rank's codes this rank needs, merged
 * into B_MERGED. Blocks of fixed size (a header: the count, the window's first step and
 * the largest count the sender put in any block; then the codes) as NEST does; when a
 * sender had more codes than fit, every rank sees it in the headers and all repeat with
 * blocks that fit. Returns the number merged, or -1 (a buffer is too small: st[W_NEED]
 * says how many slots), or -2 (ranks out of step). */
static int64_t eqsim_exchange(int64_t *st, void **buf, int64_t n, int64_t tag)
{
    MPI_Comm comm = MPI_Comm_f2c((MPI_Fint)st[W_COMM]);
    const int64_t k = st[W_SIZE];
    const int64_t *codes = (const int64_t *)buf[B_OUTBOX];
    int64_t *send = (int64_t *)buf[B_SEND], *recv = (int64_t *)buf[B_RECV];
    const int64_t alltoall = st[W_MODE] == 1;
    for (;;) {
        const int64_t slots = st[W_SLOTS], block = slots + 3;
        if ((alltoall ? k : 1) * block > st[W_SENDCAP] || k * block > st[W_RECVCAP]) {
            st[W_NEED] = slots;
            return -1;
        }
        st[W_ROUNDS]++;
        if (alltoall) {   /* to each rank only the codes of neurons it has targets of */
            const uint8_t *need = (const uint8_t *)buf[B_NEED];
            const int64_t width = st[W_WIDTH];
            int64_t most_sent = 0;
            for (int64_t q = 0; q < k; q++) {
                int64_t *b = send + q * block, c = 0;
                const uint8_t *nq = need + q * width;
                for (int64_t j = 0; j < n; j++) {
                    if (!nq[codes[j] % width]) continue;
                    if (c < slots) b[3 + c] = codes[j];
                    c++;
                }
                b[0] = c;
                b[1] = tag;
                if (c > most_sent) most_sent = c;
            }
            for (int64_t q = 0; q < k; q++) send[q * block + 2] = most_sent;
            MPI_Alltoall(send, (int)block, MPI_INT64_T, recv, (int)block, MPI_INT64_T, comm);
            st[W_BYTES] += k * block * 8;
        } else {
            send[0] = n;
            send[1] = tag;
            send[2] = n;
            memcpy(send + 3, codes, (size_t)(n < slots ? n : slots) * sizeof *send);
            MPI_Allgather(send, (int)block, MPI_INT64_T, recv, (int)block, MPI_INT64_T, comm);
            st[W_BYTES] += block * 8;
        }
        int64_t most = 0;   /* the same on every rank */
        for (int64_t r = 0; r < k; r++) {
            if (recv[r * block + 1] != tag) return -2;
            if (recv[r * block + 2] > most) most = recv[r * block + 2];
        }
        if (most > slots) {
            st[W_SLOTS] = 2 * slots > most + most / 2 ? 2 * slots : most + most / 2;
            continue;
        }
        eqsim_fit(st, most);
        const int64_t *runs[k];
        int64_t lens[k];
        for (int64_t r = 0; r < k; r++) {
            runs[r] = recv + r * block + 3;
            lens[r] = recv[r * block];
        }
        return eqsim_merge(k, runs, lens, (int64_t *)buf[B_MERGED], (int64_t *)buf[B_TMP]);
    }
}

/* Ranks that share a node (all of them) exchange through one shared-memory segment per
 * rank (MPI_Win_allocate_shared): a sequence number on its own cache line, then two
 * slots (windows alternate between them) of [count, first step, codes...] with room for
 * a whole outbox. A rank writes its slot, publishes the window's number (release), waits
 * for every other rank's number (acquire; yielding the core while it waits) and merges
 * their slots. The other slot is free again by then: a rank publishes window w + 1 only
 * after it has merged window w - 1. Returns the number merged, or -2 (out of step). */
static int64_t eqsim_shm_exchange(int64_t *st, void **buf, int64_t n, int64_t tag)
{
    const int64_t k = st[W_SIZE], me = st[W_RANK], cap = st[W_SHM_CAP];
    int64_t *const *seg = (int64_t *const *)buf[B_SHM];
    const int64_t seq = ++st[W_SEQ], slot = 8 + (seq & 1) * (cap + 2);
    int64_t *mine = seg[me] + slot;
    mine[0] = n;
    mine[1] = tag;
    memcpy(mine + 2, buf[B_OUTBOX], (size_t)n * sizeof(int64_t));
    __atomic_store_n(&seg[me][0], seq, __ATOMIC_RELEASE);
    const int64_t *runs[k];
    int64_t lens[k];
    for (int64_t r = 0; r < k; r++) {
        for (int64_t spin = 0; __atomic_load_n(&seg[r][0], __ATOMIC_ACQUIRE) < seq; spin++)
            if (spin > 200) sched_yield();
        const int64_t *theirs = seg[r] + slot;
        if (theirs[1] != tag) return -2;
        runs[r] = theirs + 2;
        lens[r] = theirs[0];
    }
    st[W_BYTES] += (n + 2) * 8;
    return eqsim_merge(k, runs, lens, (int64_t *)buf[B_MERGED], (int64_t *)buf[B_TMP]);
}

/* Set up the shared-memory exchange (collective): 1 when every rank of the communicator
 * is on this node and the segments exist (their addresses in buf[B_SHM]), else 0. */
int64_t eqsim_shm_open(int64_t *st, void **buf, int64_t cap)
{
    MPI_Comm comm = MPI_Comm_f2c((MPI_Fint)st[W_COMM]), node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int size;
    MPI_Comm_size(node, &size);
    if (size != st[W_SIZE]) {
        MPI_Comm_free(&node);
        return 0;
    }
    int64_t *base;
    MPI_Win win;
    MPI_Win_allocate_shared((MPI_Aint)((8 + 2 * (cap + 2)) * sizeof(int64_t)),
                            (int)sizeof(int64_t), MPI_INFO_NULL, node, &base, &win);
    base[0] = 0;
    int64_t **seg = (int64_t **)buf[B_SHM];
    for (int r = 0; r < size; r++) {
        MPI_Aint bytes;
        int unit;
        MPI_Win_shared_query(win, r, &bytes, &unit, &seg[r]);
    }
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    MPI_Barrier(node);
    st[W_SHM_CAP] = cap;
    st[W_SEQ] = 0;
    st[W_SHM_WIN] = (int64_t)MPI_Win_c2f(win);
    st[W_SHM_COMM] = (int64_t)MPI_Comm_c2f(node);
    st[W_MODE] = 2;
    return 1;
}

/* Release the shared segments (collective). */
void eqsim_shm_close(int64_t *st)
{
    if (st[W_MODE] != 2) return;
    MPI_Win win = MPI_Win_f2c((MPI_Fint)st[W_SHM_WIN]);
    MPI_Comm node = MPI_Comm_f2c((MPI_Fint)st[W_SHM_COMM]);
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Comm_free(&node);
    st[W_MODE] = 0;
}
#endif

/* Run the windows from st[W_STEP] to st[W_END] (and, with st[W_FINISH], the second half of
 * the last step). Returns RUN_DONE (0) when done, or the reason it stopped. */
int64_t eqsim_windows(eqsim_run_t run, eqsim_enqueue_t enqueue, void **ptrs,
                      const double *dp, int64_t *ip, int64_t *out, int64_t *st, void **buf)
{
    const int64_t window = st[W_WINDOW];
    int64_t t0 = eqsim_ns();
    for (;;) {
        if (st[W_PHASE] == 1) {   /* queue the merged codes (again, after Python grew a queue) */
            const int64_t full = enqueue(ptrs, ip, (const int64_t *)buf[B_MERGED],
                                         st[W_NRECV], st[W_WSTART]);
            if (full >= 0) {
                st[W_SID] = full;
                st[W_NS_EXCHANGE] += eqsim_ns() - t0;
                return W_QUEUE_FULL;
            }
            st[W_SPIKES] += st[W_NRECV];
            st[W_PHASE] = 0;
            st[W_NS_EXCHANGE] += eqsim_ns() - t0;
            t0 = eqsim_ns();
        }
        if (st[W_PHASE] == 2) {   /* exchange (again, after Python grew a buffer) */
            int64_t got = 0;
            if (st[W_XCOUNT_SLOT] >= 0) {   /* (no group's spikes drive synapses: none) */
                const int64_t n = ip[st[W_XCOUNT_SLOT]];
#ifdef EQSIM_WITH_MPI
                if (st[W_SIZE] > 1) {
                    got = st[W_MODE] == 2 ? eqsim_shm_exchange(st, buf, n, st[W_WSTART])
                                          : eqsim_exchange(st, buf, n, st[W_WSTART]);
                    if (got == -1) {
                        st[W_NS_EXCHANGE] += eqsim_ns() - t0;
                        return W_NEED_BUFFER;
                    }
                    if (got == -2) return W_OUT_OF_STEP;
                    st[W_EXCHANGES]++;
                } else
#endif
                {   /* one process: the outbox is already in order */
                    if (buf[B_MERGED] != buf[B_OUTBOX])
                        memcpy(buf[B_MERGED], buf[B_OUTBOX], (size_t)n * sizeof(int64_t));
                    got = n;
                }
                ip[st[W_XCOUNT_SLOT]] = 0;
            }
            st[W_NRECV] = got;
            st[W_WINDOWS]++;
            st[W_PHASE] = got ? 1 : 0;
            if (!got) {
                st[W_NS_EXCHANGE] += eqsim_ns() - t0;
                t0 = eqsim_ns();
            }
            continue;
        }
        const int64_t step = st[W_STEP], pending = st[W_PENDING];
        int64_t call0, ncalls, split;
        if (step < st[W_END]) {   /* the next window, on the grid common to all ranks */
            int64_t m = window - step % window;
            if (step + m > st[W_END]) m = st[W_END] - step;
            call0 = step - pending;
            ncalls = m + pending;
            split = 1;
        } else if (st[W_FINISH] && pending) {   /* the second half of the last step */
            call0 = step - 1;
            ncalls = 1;
            split = 0;
        } else {
            st[W_NS_COMPUTE] += eqsim_ns() - t0;
            return 0;
        }
        int64_t done = st[W_DONE];
        while (done < ncalls) {
            ip[st[W_POS0_SLOT]] = 0;
            ip[st[W_POS1_SLOT]] = st[W_NBLOCKS];
            ip[st[W_RESUME_SLOT]] = pending && done == 0;
            ip[st[W_SPLIT_SLOT]] = split;
            ip[st[W_XFIRST_SLOT]] = split ? step : 0;
            const int64_t code = run(ptrs, dp, ip, call0 + done, ncalls - done, out,
                                     st[W_NTHREADS]);
            done += out[0];
            if (code != 0) {   /* Python drains the monitors (or raises) and calls again */
                st[W_DONE] = done;
                st[W_LAST_STEP] = call0 + done;
                st[W_NS_COMPUTE] += eqsim_ns() - t0;
                return code;
            }
        }
        st[W_DONE] = 0;
        st[W_NS_COMPUTE] += eqsim_ns() - t0;
        t0 = eqsim_ns();
        if (!split) {   /* the finished step: nothing pending, nothing to exchange */
            st[W_PENDING] = 0;
            st[W_LAST_STEP] = step;
            continue;
        }
        st[W_STEP] = call0 + ncalls;
        st[W_LAST_STEP] = st[W_STEP];
        st[W_PENDING] = 1;
        st[W_WSTART] = step;
        st[W_PHASE] = 2;
    }
}

/* Which MPI this driver was built with (0: none), for Python's checks. */
int64_t eqsim_windows_mpi(void) {
#ifdef EQSIM_WITH_MPI
    return MPI_VERSION;
#else
    return 0;
#endif
}
