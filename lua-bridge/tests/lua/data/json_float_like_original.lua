-- json.encode writes floats as the original's Go encoder does: a whole-valued float
-- without ".0" (5, not 5.0), others in their shortest form, exponents from 1e21 up.
local json = require("json")

local function main()
  local s, err = json.encode({ v = 10 / 2 })
  if s ~= '{"v":5}' then
    return false, "encoded " .. tostring(s) .. " " .. tostring(err)
  end
  if json.encode(2.5) ~= "2.5" or json.encode(1e21) ~= "1e+21" or json.encode(1 / 3) ~= "0.3333333333333333" then
    return false, "floats: " .. json.encode(2.5) .. " " .. json.encode(1e21) .. " " .. json.encode(1 / 3)
  end
  local back = json.decode(json.encode({ v = 10 / 2 }))
  if back.v ~= 5 then
    return false, "round trip gave " .. tostring(back.v)
  end
  return true
end

return { main = main }
