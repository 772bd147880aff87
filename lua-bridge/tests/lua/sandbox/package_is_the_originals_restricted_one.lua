-- `package` is the original's restricted table: empty path and cpath, a loadlib that
-- loads nothing and says so, and Lua 5.1's seeall; modules still come from require.
local function main()
  if type(package) ~= "table" then
    return false, "no package global: " .. type(package)
  end
  if package.path ~= "" or package.cpath ~= "" then
    return false, "path " .. tostring(package.path) .. ", cpath " .. tostring(package.cpath)
  end
  local msg = package.loadlib("libc.so", "open")
  if msg ~= "cannot load module 'libc.so': loadlib disabled" then
    return false, "loadlib: " .. tostring(msg)
  end
  if package.loaded ~= nil or package.preload ~= nil then
    return false, "package.loaded or preload is there"
  end
  -- seeall: the module's metatable (made, or its own) reads the globals.
  local m = {}
  package.seeall(m)
  if m.string ~= string or m.print ~= print then
    return false, "seeall: the globals are not seen"
  end
  local with_mt = setmetatable({}, { __call = function() return "called" end })
  package.seeall(with_mt)
  if with_mt() ~= "called" or with_mt.tostring ~= tostring then
    return false, "seeall on a table with a metatable"
  end
  if pcall(package.seeall, "x") then
    return false, "seeall of a string did not raise"
  end
  -- The runtime's module tables keep their hidden metatables.
  if pcall(package.seeall, process) then
    return false, "seeall changed the process table's metatable"
  end
  if type(process.pid) ~= "function" then
    return false, "process.pid is gone"
  end
  return true
end

return { main = main }
