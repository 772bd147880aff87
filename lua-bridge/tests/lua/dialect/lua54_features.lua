-- The dialect has integers and bitwise operators (5.3+), integer division, goto, and
-- the usual string/table/math libraries.
local function main()
  if math.type(1) ~= "integer" or math.type(1.0) ~= "float" then
    return false, "integer subtype"
  end
  if 7 // 2 ~= 3 or 7 % 3 ~= 1 or 2 ^ 10 ~= 1024 then
    return false, "arithmetic"
  end
  if (5 & 3) ~= 1 or (5 | 3) ~= 7 or (5 ~ 3) ~= 6 or (1 << 4) ~= 16 or (256 >> 4) ~= 16 or ~0 ~= -1 then
    return false, "bitwise operators"
  end
  if math.maxinteger + 1 ~= math.mininteger then
    return false, "integer wrap-around"
  end
  local i = 0
  ::again::
  i = i + 1
  if i < 3 then goto again end
  if i ~= 3 then
    return false, "goto"
  end
  if string.format("%5.2f|%d|%s", 3.14159, 42, "x") ~= " 3.14|42|x" then
    return false, "string.format"
  end
  if table.concat({ 1, 2, 3 }, ",") ~= "1,2,3" or select("#", table.unpack({ 1, 2, 3 })) ~= 3 then
    return false, "table functions"
  end
  if ("abc"):upper() ~= "ABC" or ("a,b"):find(",", 1, true) ~= 2 then
    return false, "string methods"
  end
  return true
end

return { main = main }
