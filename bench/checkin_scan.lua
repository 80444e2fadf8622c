-- Ticket scans through the API: each request posts {activity_id, secret, nonce}, with the
-- retries and unknown tickets of bench/scan_mix.lua. Every accepted nonce seen in a response
-- is remembered; done() writes them (one a line) for the scenario's verify, which compares
-- them with the check-ins recorded.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local mix = dofile(here .. "scan_mix.lua")
local config_path = os.getenv("CHECKIN_BENCH_CONFIG") or "var/bench-checkin.txt"
local result_path = os.getenv("CHECKIN_BENCH_RESULT") or "var/bench-checkin-accepted.txt"

setup = mix.setup

local state, accepted = nil, {}
accepted_nonces = {} -- global: done() reads it from each thread

function init(args)
  state = mix.start(config_path, "bench")
end

function request()
  return mix.request(state, '{"activity_id": %s, "secret": "%s", "nonce": "%s"}')
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"result": *"accepted"') then
    local nonce = string.match(body, '"nonce": *"([^"]+)"')
    if nonce and not accepted[nonce] then
      accepted[nonce] = true
      table.insert(accepted_nonces, nonce)
    end
  end
end

function done(summary, latency, requests)
  local file = io.open(result_path, "w")
  if not file then return end
  for _, thread in ipairs(mix.threads) do
    local nonces = thread:get("accepted_nonces") or {}
    for _, nonce in ipairs(nonces) do
      file:write(nonce .. "\n")
    end
  end
  file:close()
end
