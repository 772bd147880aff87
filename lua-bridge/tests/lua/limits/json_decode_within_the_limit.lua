-- (Run with a 16 MiB per-process limit.) json.decode of text whose value cannot fit
-- the process's memory fails with the memory error ("not enough memory", as Lua's),
-- which a pcall catches, and a value that fits still decodes afterwards. (That the
-- decode stops while it builds the value, instead of building all of it outside the
-- limit first, as 30 MB of "[[],[],...]" did, more than a gigabyte, is checked by the
-- unit test in `modules/json.rs`.)
local json = require("json")

local function main()
  local text = "[" .. ("[],"):rep(2000000) .. "[]]"
  local ok, err = pcall(json.decode, text)
  text = nil
  if ok then
    return false, "a value past the limit decoded"
  end
  if not tostring(err):find("not enough memory", 1, true) then
    return false, "decode failed otherwise: " .. tostring(err)
  end
  local small = assert(json.decode('{"a":[1,2,3],"b":"x"}'))
  if small.a[3] ~= 3 or small.b ~= "x" then
    return false, "a small value decoded wrongly"
  end
  return true
end

return { main = main }
