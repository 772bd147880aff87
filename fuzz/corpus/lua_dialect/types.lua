-- Type declarations of every shape, among code that uses `type` as an ordinary name.
type Point = {x: number, y: number}
type Shape =
    | {kind: "circle", radius: number}
    | {kind: "rect", w: number, h: number}
type Callback = (err: string?, value: any) -> ()
type Handler = <T>(T) -> (boolean, string)
type Dict = {[string]: {number}}
type Nested = {
    name: string,      -- a comment inside a type
    tags: {string}?,
    inner: {a: {b: {c: number}}};
}
type Both = Point & {z: number}
type Mode = "read" | 'write'
type Check = fun(value: any): boolean
type Ref = typeof(print)

local t = {type = "shape"}
t.type = "point"
local kind = type(t)
local function area(s: Shape): number
    if s.kind == "circle" then
        return 3 * s.radius * s.radius
    end
    return s.w * s.h
end

local type = type -- a local named `type` shadows the global
local n: string = type(1)
type Later = {value: number}
local later: Later = {value = 2}

local s = "type X = {} :: not a cast -- nor a comment"
local long = [==[
type Y = {} -- text, not code ]]
]==]

return {
    kind = kind,
    field = t.type,
    n = n,
    area = area({kind = "rect", w = 2, h = 3}),
    later = later.value,
    s = s,
    long = long,
}
