-- pretix's check-in API under the load of Mitra's scan row: each request redeems
-- {lists, secret, nonce} through /checkinrpc/redeem/, with the same retries and unknown
-- tickets (bench/scan_mix.lua). pretix answers 201 when it admits (a retried nonce too), 400
-- or 404 when it refuses (already redeemed, unknown ticket); done() writes how many of each,
-- and of any other answer, for bench/pretix_side.py.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local mix = dofile(here .. "scan_mix.lua")
local config_path = os.getenv("PRETIX_BENCH_CONFIG") or "var/pretix/redeem.txt"
local result_path = os.getenv("PRETIX_BENCH_RESULT") or "var/pretix/redeem-result.txt"

setup = mix.setup

local state = nil
ok, refused, failed = 0, 0, 0 -- globals: done() reads them from each thread

function init(args)
  state = mix.start(config_path, "pretix-bench")
end

function request()
  return mix.request(state, '{"lists": [%s], "secret": "%s", "nonce": "%s"}')
end

function response(status, headers, body)
  if status == 201 then
    ok = ok + 1
  elseif status == 400 or status == 404 then
    refused = refused + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, refused = 0, failed = 0 }
  for _, thread in ipairs(mix.threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + (tonumber(thread:get(key)) or 0)
    end
  end
  local file = io.open(result_path, "w")
  if not file then return end
  for _, key in ipairs({ "ok", "refused", "failed" }) do
    file:write(key .. " " .. totals[key] .. "\n")
  end
  file:close()
end
