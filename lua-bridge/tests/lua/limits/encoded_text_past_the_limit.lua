-- (Run with a 16 MiB per-process limit.) A table that holds one 1 MiB string 64 times
-- (a few KB of slots) would encode to 64 MB of text: json.encode and yaml.encode refuse
-- it with `nil, err` (over the memory limit) before they build it, and the process
-- carries on (it used to build the whole text first: 7.5 GB for a bigger table). A
-- text that fits still encodes. `payload:transcode` to a text format refuses it the
-- same way.
local json = require("json")
local yaml = require("yaml")

local function main()
  local big = string.rep("x", 1 << 20)
  local t = {}
  for i = 1, 64 do t[i] = big end
  for name, encode in pairs({ json = json.encode, yaml = yaml.encode }) do
    local text, err = encode(t)
    if text ~= nil or not tostring(err):find("memory limit", 1, true) then
      return false, name .. ".encode of 64 MB: " .. tostring(err)
    end
  end
  for _, format in ipairs({ payload.format.JSON, payload.format.YAML, payload.format.STRING }) do
    local text, err = payload.new(t):transcode(format)
    if text ~= nil or not tostring(err):find("memory limit", 1, true) then
      return false, "transcode to " .. format .. " of 64 MB: " .. tostring(err)
    end
  end
  local fits, fits_err = payload.new({ big }):transcode(payload.format.STRING)
  if not fits or #fits:data() < (1 << 20) then
    return false, "transcode of 1 MB: " .. tostring(fits_err)
  end
  local small = { big, big }
  local text, err = json.encode(small)
  if not text or #text < 2 * (1 << 20) then
    return false, "json.encode of 2 MB: " .. tostring(err)
  end
  text, err = yaml.encode({ a = big })
  if not text or #text < (1 << 20) then
    return false, "yaml.encode of 1 MB: " .. tostring(err)
  end
  return true
end

return { main = main }
