-- wrk script of the Conduit benchmark (scripts/bench/run.sh). One script for every endpoint;
-- what it sends comes from files named in environment variables, read once per wrk thread:
--   BENCH_METHOD   GET (default) or POST
--   BENCH_PATHS    file: request paths, one a line (rotated)
--   BENCH_TOKENS   optional file: session tokens, one a line (rotated, sent as "Authorization: Token")
--   BENCH_BODIES   optional file: JSON request bodies, one a line (rotated)
--   BENCH_REQUESTS optional file instead of the above: whole requests, one a line, tab-separated
--                  METHOD PATH TOKEN BODY ("-" for no token or no body) (the mixed workload)
-- Every request string is built once in init(); request() only picks the next one, so wrk spends
-- its CPU on the network, not on Lua. No response() function: wrk then skips parsing bodies.
-- done() prints one machine-readable line, BENCH_RESULT key=value ..., that run.sh parses.

local function read_lines(name)
  if name == nil or name == "" then
    return nil
  end
  local file = assert(io.open(name, "r"))
  local lines = {}
  for line in file:lines() do
    if line ~= "" then
      lines[#lines + 1] = line
    end
  end
  file:close()
  assert(#lines > 0, "no lines in " .. name)
  return lines
end

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

local requests_built = {}
local next_index = 0

local function split_tabs(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local mixed = read_lines(os.getenv("BENCH_REQUESTS"))
  if mixed then
    for i, line in ipairs(mixed) do
      local f = split_tabs(line)
      local headers = { ["Accept"] = "application/json" }
      if f[3] ~= "-" then headers["Authorization"] = "Token " .. f[3] end
      local body = nil
      if f[4] ~= "-" then
        body = f[4]
        headers["Content-Type"] = "application/json"
      end
      requests_built[i] = wrk.format(f[1], f[2], headers, body)
    end
    next_index = ((thread_id or 1) - 1) * math.floor(#mixed / 2 + 1)
    return
  end
  local method = os.getenv("BENCH_METHOD") or "GET"
  local paths = read_lines(os.getenv("BENCH_PATHS"))
  local tokens = read_lines(os.getenv("BENCH_TOKENS"))
  local bodies = read_lines(os.getenv("BENCH_BODIES"))
  local count = #paths
  if tokens and #tokens > count then count = #tokens end
  if bodies and #bodies > count then count = #bodies end
  for i = 1, count do
    local headers = { ["Accept"] = "application/json" }
    if tokens then
      headers["Authorization"] = "Token " .. tokens[(i - 1) % #tokens + 1]
    end
    local body = nil
    if bodies then
      body = bodies[(i - 1) % #bodies + 1]
      headers["Content-Type"] = "application/json"
    end
    requests_built[i] = wrk.format(method, paths[(i - 1) % #paths + 1], headers, body)
  end
  -- Threads start at different places of the rotation, so they do not ask for the same thing.
  next_index = ((thread_id or 1) - 1) * math.floor(count / 2 + 1)
end

function request()
  next_index = next_index + 1
  return requests_built[(next_index - 1) % #requests_built + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f" ..
    " non2xx=%d connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
