local obj = {type = 1}
function obj:method(a, ...) return a < 2, type(a) end
for i = 1, 3 do
  if i == 2 then goto continue end
  local x <const> = obj:method(i)
  ::continue::
end
local s = [==[ ]] :: ]==] .. 'a: b' --[[ local x: T ]]
return 0x1p4 + .5e-2 // 1 >> 2
