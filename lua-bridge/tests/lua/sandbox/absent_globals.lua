-- Dangerous or code-loading globals are absent: load, loadstring, dofile, loadfile,
-- collectgarbage, rawlen, debug, the standard io table (package is the restricted one: package_is_the_originals_restricted_one.lua), utf8, string.dump.
-- (`io` may be a global: Wippy's terminal module, when the entry lists it in modules:.)
local function main()
  local absent = {
    load = load, loadstring = loadstring, dofile = dofile, loadfile = loadfile,
    collectgarbage = collectgarbage, rawlen = rawlen, debug = debug,
    io_open = io and io.open, io_popen = io and io.popen, io_lines = io and io.lines,
    utf8 = utf8, string_dump = string.dump, module = module,
    setfenv = setfenv, getfenv = getfenv, newproxy = newproxy,
  }
  for name, value in pairs(absent) do
    if value ~= nil then
      return false, name .. " is present"
    end
  end
  -- The always-present globals are there.
  for _, name in ipairs({ "process", "channel", "payload", "errors", "os", "print", "require" }) do
    if _G[name] == nil then
      return false, name .. " is missing"
    end
  end
  if type(coroutine.spawn) ~= "function" then
    return false, "coroutine.spawn is missing"
  end
  -- Ordinary library functions stay.
  for _, f in ipairs({ pcall, error, type, pairs, ipairs, tostring, tonumber, select, setmetatable,
    getmetatable, rawget, rawset, rawequal, next, assert, xpcall, string.format, table.concat,
    math.floor, string.rep }) do
    if type(f) ~= "function" then
      return false, "a standard function is missing"
    end
  end
  return true
end

return { main = main }
