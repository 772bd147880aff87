-- require loads only modules listed in the entry's modules: (here time, json, logger,
-- io, uuid, ... yaml), returns the same value every time, and refuses others with a clear message.
local function main()
  local t1 = require("time")
  local t2 = require("time")
  if t1 ~= t2 then
    return false, "require('time') gives a new value each time"
  end
  if type(require("json").encode) ~= "function" then
    return false, "json"
  end
  -- Always-present globals can be required too.
  if require("process") ~= process or require("channel") ~= channel then
    return false, "require of a global module"
  end
  for _, name in ipairs({ "http", "crypto", "fs", "sql", "no_such_module" }) do
    local ok, err = pcall(require, name)
    if ok then
      return false, "require('" .. name .. "') succeeded"
    end
    local text = tostring(err)
    if not text:find(name, 1, true) then
      return false, "error does not name the module: " .. text
    end
    if not (text:find("not allowed", 1, true) or text:find("modules", 1, true)) then
      return false, "error does not say why: " .. text
    end
  end
  return true
end

return { main = main }
