-- Every module the entry lists in `modules:`, and every `imports:` alias, is also a
-- global, as in the original (which puts each in _G): the same table `require` gives.
-- Lua's libraries can be required too (the original's require reads _G). A name that is
-- neither stays nil.
local function main()
  if type(time) ~= "table" or type(time.sleep) ~= "function" then
    return false, "time is not a global: " .. type(time)
  end
  local r1, r2 = time.sleep("1ms")
  if r2 ~= nil then return false, "time.sleep through the global: " .. tostring(r2) end
  if json ~= require("json") or json.encode({ 1 }) ~= "[1]" then
    return false, "json global differs from require('json')"
  end
  if type(wait) ~= "table" or wait ~= require("wait") then
    return false, "the imports alias is not a global: " .. type(wait)
  end
  if require("string") ~= string or require("math") ~= math or require("os") ~= os then
    return false, "require of a Lua library does not give the global"
  end
  if nosuchmodule ~= nil then return false, "an unknown global is not nil" end
  local ok = pcall(require, "nosuchmodule")
  if ok then return false, "require of an unlisted module succeeded" end
  return true
end

return { main = main }
