-- Numeric strings take part in arithmetic as in Lua 5.4 (and the original's 5.1 core),
-- before and after the string library is opened; other strings fail with Lua's message,
-- and a table operand's own metamethod still gets its turn.
local function check()
  if "10" + 5 ~= 15 or math.type("10" + 5) ~= "integer" then return "10 + 5" end
  if "10" - "4" ~= 6 or -"5" ~= -5 or "3" * "4" ~= 12 then return "- * unm" end
  if "7" // "2" ~= 3 or "7" % "3" ~= 1 or "1" / "4" ~= 0.25 or "2" ^ "3" ~= 8.0 then
    return "// % / ^"
  end
  if "0x10" + 0 ~= 16 or " 5 " + 1 ~= 6 or "1.5" + 1 ~= 2.5 then return "hex, spaces, floats" end
  local ok, err = pcall(function() return "abc" + 1 end)
  if ok or not tostring(err):find("attempt to add a 'string' with a 'number'", 1, true) then
    return "abc + 1: " .. tostring(err)
  end
  local t = setmetatable({}, { __add = function() return "meta" end })
  if "1" + t ~= "meta" then return "the table's __add" end
  return nil
end

local function main()
  -- Before anything opens `string` (the lazy metatable) ...
  local problem = check()
  if problem then return false, "lazy: " .. problem end
  -- ... and after (the process's own).
  if ("x"):upper() ~= "X" then return false, "string methods" end
  problem = check()
  if problem then return false, "opened: " .. problem end
  if getmetatable("").__add == nil then return false, "getmetatable('') has no __add" end
  return true
end

return { main = main }
