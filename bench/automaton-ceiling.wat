;; The ceiling of a screen that steps an automaton once per byte, in WebAssembly (see
;; automatonFloor in detect.ts): the same table and classes as the JavaScript loop, one
;; chain of dependent loads, or two chains over the two halves of the bytes at once.
;; Memory: the bytes from 0, the class of each byte (pre-multiplied by 4) from CLASSES,
;; the table (next state as a byte offset) from TABLE.
(module
  (memory (export "memory") 2)
  (global $classes i32 (i32.const 65536))
  (global $table i32 (i32.const 65792))

  ;; The state after stepping from `state` over the bytes [at, end).
  (func $step (param $at i32) (param $end i32) (param $state i32) (result i32)
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $state
          (i32.load
            (i32.add (global.get $table)
              (i32.add (local.get $state)
                (i32.load8_u (i32.add (global.get $classes) (i32.load8_u (local.get $at))))))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $byte)))
    (local.get $state))

  (func (export "one") (param $n i32) (result i32)
    (call $step (i32.const 0) (local.get $n) (i32.const 0)))

  ;; Two chains, [0, mid) and [mid, 2 mid), a step of each per turn; then the odd byte.
  (func (export "two") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $mid i32) (local $sa i32) (local $sb i32)
    (local.set $mid (i32.shr_u (local.get $n) (i32.const 1)))
    (local.set $b (local.get $mid))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $a) (local.get $mid)))
        (local.set $sa
          (i32.load
            (i32.add (global.get $table)
              (i32.add (local.get $sa)
                (i32.load8_u (i32.add (global.get $classes) (i32.load8_u (local.get $a))))))))
        (local.set $sb
          (i32.load
            (i32.add (global.get $table)
              (i32.add (local.get $sb)
                (i32.load8_u (i32.add (global.get $classes) (i32.load8_u (local.get $b))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $byte)))
    (i32.xor (local.get $sa)
      (call $step (local.get $b) (local.get $n) (local.get $sb))))
)
