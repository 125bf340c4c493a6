(module
 (type $0 (func (param i32 i32 i32 i32 i32 i32 i32)))
 (type $1 (func (param i32 i32 i32)))
 (type $2 (func (param i32 i32 i32 i32 f64 f64 f64 i32 i32)))
 (type $3 (func (param i32 i32 i32 i32 i32 i32 i32 i32)))
 (type $4 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
 (type $5 (func (param i32 i32 i32 i32 i32 i32)))
 (import "env" "memory" (memory $memory 1 65536))
 (export "adam_0_35_0p9_0p999_1em7" (func $adam_0_35_0p9_0p999_1em7))
 (export "conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax" (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax))
 (export "gemm_nn_4x3_bias" (func $gemm_nn_4x3_bias))
 (export "gemm_nt_4x3" (func $gemm_nt_4x3))
 (export "gemm_tn_4x3" (func $gemm_tn_4x3))
 (export "sum_rows_1_batched_3" (func $sum_rows_1_batched_3))
 (export "conv2d_grad_kernel_4x4x1_k2x2_s1x1_4_pooled_k3x3_s3x3_dbias" (func $conv2d_grad_kernel_4x4x1_k2x2_s1x1_4_pooled_k3x3_s3x3_dbias))
 (export "conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3" (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3))
 (export "softmax_1_batched_3_1" (func $softmax_1_batched_3_1))
 (func $adam_0_35_0p9_0p999_1em7 (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $lr f64) (param $c1 f64) (param $c2 f64) (param $lo i32) (param $hi i32)
  (local $v0 v128)
  (local $v1 v128)
  (local $v2 v128)
  (local $v3 v128)
  (local $v4 v128)
  (local $i5 i32)
  (local $i6 i32)
  (local.set $w
   (i32.add
    (local.get $w)
    (i32.shl
     (local.tee $i5
      (i32.shl
       (local.get $lo)
       (i32.const 12)
      )
     )
     (i32.const 2)
    )
   )
  )
  (local.set $lo
   (i32.add
    (local.get $g)
    (local.tee $i6
     (i32.shl
      (local.get $i5)
      (i32.const 2)
     )
    )
   )
  )
  (local.set $g
   (i32.add
    (local.get $m)
    (local.get $i6)
   )
  )
  (local.set $m
   (i32.add
    (local.get $v)
    (local.get $i6)
   )
  )
  (local.set $v3
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (local.get $lr)
      (local.get $c1)
     )
    )
   )
  )
  (local.set $v4
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (f64.const 1)
      (local.get $c2)
     )
    )
   )
  )
  (local.set $v
   (i32.sub
    (select
     (local.tee $v
      (i32.shl
       (local.get $hi)
       (i32.const 12)
      )
     )
     (i32.const 35)
     (i32.and
      (i32.ne
       (local.get $hi)
       (i32.const 0)
      )
      (i32.lt_s
       (local.get $v)
       (i32.const 35)
      )
     )
    )
    (local.get $i5)
   )
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $v)
      (i32.const 8)
     )
    )
    (then
     (local.set $v2
      (v128.load align=4
       (local.get $w)
      )
     )
     (local.set $v1
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
        (v128.load align=4
         (local.get $g)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
        (local.tee $v0
         (v128.load align=4
          (local.get $lo)
         )
        )
       )
      )
     )
     (local.set $v0
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
        (v128.load align=4
         (local.get $m)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
        (f32x4.mul
         (local.get $v0)
         (local.get $v0)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $g)
      (local.get $v1)
     )
     (v128.store align=4
      (local.get $m)
      (local.get $v0)
     )
     (v128.store align=4
      (local.get $w)
      (f32x4.sub
       (local.get $v2)
       (f32x4.div
        (f32x4.mul
         (local.get $v3)
         (local.get $v1)
        )
        (f32x4.add
         (f32x4.sqrt
          (f32x4.mul
           (local.get $v0)
           (local.get $v4)
          )
         )
         (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
        )
       )
      )
     )
     (local.set $v2
      (v128.load offset=16 align=4
       (local.get $w)
      )
     )
     (local.set $v1
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
        (v128.load offset=16 align=4
         (local.get $g)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
        (local.tee $v0
         (v128.load offset=16 align=4
          (local.get $lo)
         )
        )
       )
      )
     )
     (local.set $v0
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
        (v128.load offset=16 align=4
         (local.get $m)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
        (f32x4.mul
         (local.get $v0)
         (local.get $v0)
        )
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $g)
      (local.get $v1)
     )
     (v128.store offset=16 align=4
      (local.get $m)
      (local.get $v0)
     )
     (v128.store offset=16 align=4
      (local.get $w)
      (f32x4.sub
       (local.get $v2)
       (f32x4.div
        (f32x4.mul
         (local.get $v3)
         (local.get $v1)
        )
        (f32x4.add
         (f32x4.sqrt
          (f32x4.mul
           (local.get $v0)
           (local.get $v4)
          )
         )
         (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
        )
       )
      )
     )
     (local.set $w
      (i32.add
       (local.get $w)
       (i32.const 32)
      )
     )
     (local.set $lo
      (i32.add
       (local.get $lo)
       (i32.const 32)
      )
     )
     (local.set $g
      (i32.add
       (local.get $g)
       (i32.const 32)
      )
     )
     (local.set $m
      (i32.add
       (local.get $m)
       (i32.const 32)
      )
     )
     (local.set $v
      (i32.sub
       (local.get $v)
       (i32.const 8)
      )
     )
     (br $top1)
    )
   )
  )
  (loop $top3
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $v)
      (i32.const 4)
     )
    )
    (then
     (local.set $v2
      (v128.load align=4
       (local.get $w)
      )
     )
     (local.set $v1
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
        (v128.load align=4
         (local.get $g)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
        (local.tee $v0
         (v128.load align=4
          (local.get $lo)
         )
        )
       )
      )
     )
     (local.set $v0
      (f32x4.add
       (f32x4.mul
        (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
        (v128.load align=4
         (local.get $m)
        )
       )
       (f32x4.mul
        (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
        (f32x4.mul
         (local.get $v0)
         (local.get $v0)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $g)
      (local.get $v1)
     )
     (v128.store align=4
      (local.get $m)
      (local.get $v0)
     )
     (v128.store align=4
      (local.get $w)
      (f32x4.sub
       (local.get $v2)
       (f32x4.div
        (f32x4.mul
         (local.get $v3)
         (local.get $v1)
        )
        (f32x4.add
         (f32x4.sqrt
          (f32x4.mul
           (local.get $v0)
           (local.get $v4)
          )
         )
         (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
        )
       )
      )
     )
     (local.set $w
      (i32.add
       (local.get $w)
       (i32.const 16)
      )
     )
     (local.set $lo
      (i32.add
       (local.get $lo)
       (i32.const 16)
      )
     )
     (local.set $g
      (i32.add
       (local.get $g)
       (i32.const 16)
      )
     )
     (local.set $m
      (i32.add
       (local.get $m)
       (i32.const 16)
      )
     )
     (local.set $v
      (i32.sub
       (local.get $v)
       (i32.const 4)
      )
     )
     (br $top3)
    )
   )
  )
  (if
   (i32.eq
    (local.get $v)
    (i32.const 1)
   )
   (then
    (local.set $v2
     (v128.load32_zero
      (local.get $w)
     )
    )
    (local.set $v1
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
       (v128.load32_zero
        (local.get $g)
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
       (local.tee $v0
        (v128.load32_zero
         (local.get $lo)
        )
       )
      )
     )
    )
    (local.set $v0
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
       (v128.load32_zero
        (local.get $m)
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
       (f32x4.mul
        (local.get $v0)
        (local.get $v0)
       )
      )
     )
    )
    (v128.store32_lane 0
     (local.get $g)
     (local.get $v1)
    )
    (v128.store32_lane 0
     (local.get $m)
     (local.get $v0)
    )
    (v128.store32_lane 0
     (local.get $w)
     (f32x4.sub
      (local.get $v2)
      (f32x4.div
       (f32x4.mul
        (local.get $v3)
        (local.get $v1)
       )
       (f32x4.add
        (f32x4.sqrt
         (f32x4.mul
          (local.get $v0)
          (local.get $v4)
         )
        )
        (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
       )
      )
     )
    )
    (local.set $lo
     (i32.add
      (local.get $lo)
      (i32.const 4)
     )
    )
    (local.set $g
     (i32.add
      (local.get $g)
      (i32.const 4)
     )
    )
    (local.set $m
     (i32.add
      (local.get $m)
      (i32.const 4)
     )
    )
    (local.set $w
     (i32.add
      (local.get $w)
      (i32.const 4)
     )
    )
   )
  )
  (if
   (i32.eq
    (local.get $v)
    (i32.const 2)
   )
   (then
    (local.set $v2
     (v128.load64_zero align=4
      (local.get $w)
     )
    )
    (local.set $v1
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
       (v128.load64_zero align=4
        (local.get $g)
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
       (local.tee $v0
        (v128.load64_zero align=4
         (local.get $lo)
        )
       )
      )
     )
    )
    (local.set $v0
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
       (v128.load64_zero align=4
        (local.get $m)
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
       (f32x4.mul
        (local.get $v0)
        (local.get $v0)
       )
      )
     )
    )
    (v128.store64_lane align=4 0
     (local.get $g)
     (local.get $v1)
    )
    (v128.store64_lane align=4 0
     (local.get $m)
     (local.get $v0)
    )
    (v128.store64_lane align=4 0
     (local.get $w)
     (f32x4.sub
      (local.get $v2)
      (f32x4.div
       (f32x4.mul
        (local.get $v3)
        (local.get $v1)
       )
       (f32x4.add
        (f32x4.sqrt
         (f32x4.mul
          (local.get $v0)
          (local.get $v4)
         )
        )
        (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
       )
      )
     )
    )
    (local.set $lo
     (i32.add
      (local.get $lo)
      (i32.const 8)
     )
    )
    (local.set $g
     (i32.add
      (local.get $g)
      (i32.const 8)
     )
    )
    (local.set $m
     (i32.add
      (local.get $m)
      (i32.const 8)
     )
    )
    (local.set $w
     (i32.add
      (local.get $w)
      (i32.const 8)
     )
    )
   )
  )
  (if
   (i32.eq
    (local.get $v)
    (i32.const 3)
   )
   (then
    (local.set $v2
     (v128.load32_lane offset=8 2
      (local.get $w)
      (v128.load64_zero align=4
       (local.get $w)
      )
     )
    )
    (local.set $v0
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
       (v128.load32_lane offset=8 2
        (local.get $g)
        (v128.load64_zero align=4
         (local.get $g)
        )
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
       (local.tee $v1
        (v128.load32_lane offset=8 2
         (local.get $lo)
         (v128.load64_zero align=4
          (local.get $lo)
         )
        )
       )
      )
     )
    )
    (local.set $v1
     (f32x4.add
      (f32x4.mul
       (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
       (v128.load32_lane offset=8 2
        (local.get $m)
        (v128.load64_zero align=4
         (local.get $m)
        )
       )
      )
      (f32x4.mul
       (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
       (f32x4.mul
        (local.get $v1)
        (local.get $v1)
       )
      )
     )
    )
    (v128.store64_lane align=4 0
     (local.get $g)
     (local.get $v0)
    )
    (v128.store32_lane offset=8 2
     (local.get $g)
     (local.get $v0)
    )
    (v128.store64_lane align=4 0
     (local.get $m)
     (local.get $v1)
    )
    (v128.store32_lane offset=8 2
     (local.get $m)
     (local.get $v1)
    )
    (v128.store64_lane align=4 0
     (local.get $w)
     (local.tee $v3
      (f32x4.sub
       (local.get $v2)
       (f32x4.div
        (f32x4.mul
         (local.get $v3)
         (local.get $v0)
        )
        (f32x4.add
         (f32x4.sqrt
          (f32x4.mul
           (local.get $v1)
           (local.get $v4)
          )
         )
         (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
        )
       )
      )
     )
    )
    (v128.store32_lane offset=8 2
     (local.get $w)
     (local.get $v3)
    )
   )
  )
 )
 (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax (param $n i32) (param $x i32) (param $k i32) (param $y i32) (param $bias i32) (param $argmax i32) (param $ws i32)
  (local $v0 v128)
  (local $v1 v128)
  (local $v2 v128)
  (local $i3 i32)
  (local $v4 v128)
  (local $i5 i32)
  (local $i6 i32)
  (local $i7 i32)
  (local $i8 i32)
  (local $i9 i32)
  (local $i10 i32)
  (local $i11 i32)
  (local $i12 i32)
  (local $i13 i32)
  (local $i14 i32)
  (local $v15 v128)
  (local $v16 v128)
  (local $v17 v128)
  (local $v18 v128)
  (local $v19 v128)
  (local $v20 v128)
  (local $v21 v128)
  (local $v22 v128)
  (local $v23 v128)
  (local $v24 v128)
  (local $v25 v128)
  (local $v26 v128)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i6
   (local.get $x)
  )
  (local.set $i7
   (local.get $y)
  )
  (local.set $i8
   (local.get $argmax)
  )
  (loop $top4
   (if
    (i32.eqz
     (i32.le_s
      (local.get $n)
      (local.get $i5)
     )
    )
    (then
     (local.set $i9
      (local.get $ws)
     )
     (local.set $x
      (local.get $i6)
     )
     (local.set $i12
      (i32.const 3)
     )
     (loop $cnt2
      (local.set $i10
       (local.get $i9)
      )
      (local.set $v1
       (local.tee $v0
        (v128.load align=4
         (local.get $bias)
        )
       )
      )
      (local.set $v2
       (local.get $v0)
      )
      (local.set $i11
       (local.get $x)
      )
      (local.set $argmax
       (local.get $k)
      )
      (local.set $i13
       (i32.const 2)
      )
      (loop $cnt1
       (local.set $i3
        (local.get $i11)
       )
       (local.set $y
        (local.get $argmax)
       )
       (local.set $i14
        (i32.const 2)
       )
       (loop $cnt0
        (local.set $v0
         (f32x4.add
          (local.get $v0)
          (f32x4.mul
           (v128.load32_splat
            (local.get $i3)
           )
           (local.tee $v4
            (v128.load align=4
             (local.get $y)
            )
           )
          )
         )
        )
        (local.set $v1
         (f32x4.add
          (local.get $v1)
          (f32x4.mul
           (v128.load32_splat offset=4
            (local.get $i3)
           )
           (local.get $v4)
          )
         )
        )
        (local.set $v2
         (f32x4.add
          (local.get $v2)
          (f32x4.mul
           (v128.load32_splat offset=8
            (local.get $i3)
           )
           (local.get $v4)
          )
         )
        )
        (local.set $i3
         (i32.add
          (local.get $i3)
          (i32.const 4)
         )
        )
        (local.set $y
         (i32.add
          (local.get $y)
          (i32.const 16)
         )
        )
        (br_if $cnt0
         (local.tee $i14
          (i32.sub
           (local.get $i14)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $i11
        (i32.add
         (local.get $i11)
         (i32.const 16)
        )
       )
       (local.set $argmax
        (i32.add
         (local.get $argmax)
         (i32.const 32)
        )
       )
       (br_if $cnt1
        (local.tee $i13
         (i32.sub
          (local.get $i13)
          (i32.const 1)
         )
        )
       )
      )
      (v128.store align=4
       (local.get $i10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v0)
       )
      )
      (v128.store offset=16 align=4
       (local.get $i10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v1)
       )
      )
      (v128.store offset=32 align=4
       (local.get $i10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v2)
       )
      )
      (local.set $x
       (i32.add
        (local.get $x)
        (i32.const 16)
       )
      )
      (local.set $i9
       (i32.add
        (local.get $i9)
        (i32.const 48)
       )
      )
      (br_if $cnt2
       (local.tee $i12
        (i32.sub
         (local.get $i12)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $v2
      (f32x4.pmax
       (local.tee $v0
        (f32x4.pmax
         (local.tee $v4
          (f32x4.pmax
           (local.tee $v1
            (f32x4.pmax
             (local.tee $v25
              (f32x4.pmax
               (local.tee $v24
                (f32x4.pmax
                 (local.tee $v23
                  (f32x4.pmax
                   (local.tee $v15
                    (v128.load align=4
                     (local.get $ws)
                    )
                   )
                   (local.tee $v16
                    (v128.load offset=16 align=4
                     (local.get $ws)
                    )
                   )
                  )
                 )
                 (local.tee $v17
                  (v128.load offset=32 align=4
                   (local.get $ws)
                  )
                 )
                )
               )
               (local.tee $v18
                (v128.load offset=48 align=4
                 (local.get $ws)
                )
               )
              )
             )
             (local.tee $v19
              (v128.load offset=64 align=4
               (local.get $ws)
              )
             )
            )
           )
           (local.tee $v20
            (v128.load offset=80 align=4
             (local.get $ws)
            )
           )
          )
         )
         (local.tee $v21
          (v128.load offset=96 align=4
           (local.get $ws)
          )
         )
        )
       )
       (local.tee $v22
        (v128.load offset=112 align=4
         (local.get $ws)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $i7)
      (f32x4.pmax
       (f32x4.pmax
        (f32x4.pmax
         (f32x4.pmax
          (f32x4.pmax
           (f32x4.pmax
            (f32x4.pmax
             (f32x4.pmax
              (f32x4.pmax
               (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
               (local.get $v15)
              )
              (local.get $v16)
             )
             (local.get $v17)
            )
            (local.get $v18)
           )
           (local.get $v19)
          )
          (local.get $v20)
         )
         (local.get $v21)
        )
        (local.get $v22)
       )
       (local.tee $v26
        (v128.load offset=128 align=4
         (local.get $ws)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $i8)
      (i32x4.max_s
       (i32x4.max_s
        (i32x4.max_s
         (i32x4.max_s
          (i32x4.max_s
           (i32x4.max_s
            (i32x4.max_s
             (i32x4.max_s
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              (v128.and
               (f32x4.gt
                (local.get $v16)
                (local.get $v15)
               )
               (v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001)
              )
             )
             (v128.and
              (f32x4.gt
               (local.get $v17)
               (local.get $v23)
              )
              (v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002)
             )
            )
            (v128.and
             (f32x4.gt
              (local.get $v18)
              (local.get $v24)
             )
             (v128.const i32x4 0x00000003 0x00000003 0x00000003 0x00000003)
            )
           )
           (v128.and
            (f32x4.gt
             (local.get $v19)
             (local.get $v25)
            )
            (v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004)
           )
          )
          (v128.and
           (f32x4.gt
            (local.get $v20)
            (local.get $v1)
           )
           (v128.const i32x4 0x00000005 0x00000005 0x00000005 0x00000005)
          )
         )
         (v128.and
          (f32x4.gt
           (local.get $v21)
           (local.get $v4)
          )
          (v128.const i32x4 0x00000006 0x00000006 0x00000006 0x00000006)
         )
        )
        (v128.and
         (f32x4.gt
          (local.get $v22)
          (local.get $v0)
         )
         (v128.const i32x4 0x00000007 0x00000007 0x00000007 0x00000007)
        )
       )
       (v128.and
        (f32x4.gt
         (local.get $v26)
         (local.get $v2)
        )
        (v128.const i32x4 0x00000008 0x00000008 0x00000008 0x00000008)
       )
      )
     )
     (local.set $i6
      (i32.sub
       (local.get $i6)
       (i32.const -64)
      )
     )
     (local.set $i7
      (i32.add
       (local.get $i7)
       (i32.const 16)
      )
     )
     (local.set $i8
      (i32.add
       (local.get $i8)
       (i32.const 16)
      )
     )
     (local.set $i5
      (i32.add
       (local.get $i5)
       (i32.const 1)
      )
     )
     (br $top4)
    )
   )
  )
 )
 (func $gemm_nn_4x3_bias (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $v0 v128)
  (local $i1 i32)
  (local $i2 i32)
  (local $i3 i32)
  (local $i4 i32)
  (local $i5 i32)
  (local $v6 v128)
  (local $v7 v128)
  (local $v8 v128)
  (local $i9 i32)
  (local $v10 v128)
  (local $i11 i32)
  (local $i12 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i12
   (select
    (local.get $hi)
    (i32.const 1)
    (local.get $hi)
   )
  )
  (local.set $hi
   (i32.const 0)
  )
  (loop $top8
   (if
    (i32.gt_s
     (local.get $m)
     (local.get $hi)
    )
    (then
     (if
      (i32.gt_s
       (local.get $i12)
       (i32.const 0)
      )
      (then
       (local.set $i11
        (select
         (local.tee $lo
          (i32.add
           (local.get $hi)
           (i32.const 256)
          )
         )
         (local.get $m)
         (i32.gt_s
          (local.get $m)
          (local.get $lo)
         )
        )
       )
       (local.set $i3
        (local.get $b)
       )
       (local.set $lo
        (local.get $ws)
       )
       (local.set $i2
        (i32.const 4)
       )
       (loop $cnt0
        (v128.store
         (local.get $lo)
         (v128.load32_lane offset=8 2
          (local.get $i3)
          (v128.load64_zero align=4
           (local.get $i3)
          )
         )
        )
        (v128.store offset=16
         (local.get $lo)
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $i3
         (i32.add
          (local.get $i3)
          (i32.const 12)
         )
        )
        (local.set $lo
         (i32.add
          (local.get $lo)
          (i32.const 32)
         )
        )
        (br_if $cnt0
         (local.tee $i2
          (i32.sub
           (local.get $i2)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $i3
        (local.get $hi)
       )
       (local.set $lo
        (i32.add
         (local.get $a)
         (i32.shl
          (local.get $hi)
          (i32.const 4)
         )
        )
       )
       (local.set $i1
        (i32.add
         (local.get $c)
         (i32.mul
          (local.get $hi)
          (i32.const 12)
         )
        )
       )
       (local.set $i4
        (local.get $bias)
       )
       (loop $top3
        (if
         (i32.eqz
          (i32.lt_s
           (local.get $i11)
           (i32.add
            (local.get $i3)
            (i32.const 4)
           )
          )
         )
         (then
          (local.set $v0
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v6
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v7
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v8
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i2
           (local.get $lo)
          )
          (local.set $i5
           (local.get $ws)
          )
          (local.set $i9
           (i32.add
            (local.get $ws)
            (i32.const 128)
           )
          )
          (loop $k1
           (local.set $v0
            (f32x4.add
             (local.get $v0)
             (f32x4.mul
              (v128.load32_splat
               (local.get $i2)
              )
              (local.tee $v10
               (v128.load align=4
                (local.get $i5)
               )
              )
             )
            )
           )
           (local.set $v6
            (f32x4.add
             (local.get $v6)
             (f32x4.mul
              (v128.load32_splat offset=16
               (local.get $i2)
              )
              (local.get $v10)
             )
            )
           )
           (local.set $v7
            (f32x4.add
             (local.get $v7)
             (f32x4.mul
              (v128.load32_splat offset=32
               (local.get $i2)
              )
              (local.get $v10)
             )
            )
           )
           (local.set $v8
            (f32x4.add
             (local.get $v8)
             (f32x4.mul
              (v128.load32_splat offset=48
               (local.get $i2)
              )
              (local.get $v10)
             )
            )
           )
           (local.set $i2
            (i32.add
             (local.get $i2)
             (i32.const 4)
            )
           )
           (br_if $k1
            (i32.ne
             (local.get $i9)
             (local.tee $i5
              (i32.add
               (local.get $i5)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store64_lane align=4 0
           (local.get $i1)
           (local.tee $v0
            (f32x4.add
             (local.get $v0)
             (v128.load32_lane offset=8 2
              (local.get $i4)
              (v128.load64_zero align=4
               (local.get $i4)
              )
             )
            )
           )
          )
          (v128.store32_lane offset=8 2
           (local.get $i1)
           (local.get $v0)
          )
          (v128.store64_lane offset=12 align=4 0
           (local.get $i1)
           (local.tee $v0
            (f32x4.add
             (local.get $v6)
             (v128.load32_lane offset=8 2
              (local.get $i4)
              (v128.load64_zero align=4
               (local.get $i4)
              )
             )
            )
           )
          )
          (v128.store32_lane offset=20 2
           (local.get $i1)
           (local.get $v0)
          )
          (v128.store64_lane offset=24 align=4 0
           (local.get $i1)
           (local.tee $v0
            (f32x4.add
             (local.get $v7)
             (v128.load32_lane offset=8 2
              (local.get $i4)
              (v128.load64_zero align=4
               (local.get $i4)
              )
             )
            )
           )
          )
          (v128.store32_lane offset=32 2
           (local.get $i1)
           (local.get $v0)
          )
          (v128.store64_lane offset=36 align=4 0
           (local.get $i1)
           (local.tee $v0
            (f32x4.add
             (local.get $v8)
             (v128.load32_lane offset=8 2
              (local.get $i4)
              (v128.load64_zero align=4
               (local.get $i4)
              )
             )
            )
           )
          )
          (v128.store32_lane offset=44 2
           (local.get $i1)
           (local.get $v0)
          )
          (local.set $i3
           (i32.add
            (local.get $i3)
            (i32.const 4)
           )
          )
          (local.set $lo
           (i32.sub
            (local.get $lo)
            (i32.const -64)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 48)
           )
          )
          (br $top3)
         )
        )
       )
       (loop $top6
        (if
         (i32.eqz
          (i32.ge_s
           (local.get $i3)
           (local.get $i11)
          )
         )
         (then
          (local.set $v0
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i2
           (local.get $lo)
          )
          (local.set $i5
           (local.get $ws)
          )
          (local.set $i9
           (i32.add
            (local.get $ws)
            (i32.const 128)
           )
          )
          (loop $k4
           (local.set $v0
            (f32x4.add
             (local.get $v0)
             (f32x4.mul
              (v128.load32_splat
               (local.get $i2)
              )
              (v128.load align=4
               (local.get $i5)
              )
             )
            )
           )
           (local.set $i2
            (i32.add
             (local.get $i2)
             (i32.const 4)
            )
           )
           (br_if $k4
            (i32.ne
             (local.get $i9)
             (local.tee $i5
              (i32.add
               (local.get $i5)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store64_lane align=4 0
           (local.get $i1)
           (local.tee $v0
            (f32x4.add
             (local.get $v0)
             (v128.load32_lane offset=8 2
              (local.get $i4)
              (v128.load64_zero align=4
               (local.get $i4)
              )
             )
            )
           )
          )
          (v128.store32_lane offset=8 2
           (local.get $i1)
           (local.get $v0)
          )
          (local.set $i3
           (i32.add
            (local.get $i3)
            (i32.const 1)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 16)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 12)
           )
          )
          (br $top6)
         )
        )
       )
      )
     )
     (local.set $hi
      (i32.add
       (local.get $hi)
       (i32.const 256)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_nt_4x3 (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $i1 i32)
  (local $i2 i32)
  (local $v3 v128)
  (local $i4 i32)
  (local $v5 v128)
  (local $v6 v128)
  (local $v7 v128)
  (local $v8 v128)
  (local $i9 i32)
  (local $i10 i32)
  (local $i11 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i11
   (select
    (local.get $hi)
    (i32.const 1)
    (local.get $hi)
   )
  )
  (loop $top8
   (if
    (i32.gt_s
     (local.get $m)
     (local.get $i2)
    )
    (then
     (if
      (i32.gt_s
       (local.get $i11)
       (i32.const 0)
      )
      (then
       (local.set $i10
        (select
         (local.tee $lo
          (i32.add
           (local.get $i2)
           (i32.const 256)
          )
         )
         (local.get $m)
         (i32.gt_s
          (local.get $m)
          (local.get $lo)
         )
        )
       )
       (local.set $i0
        (local.get $b)
       )
       (local.set $lo
        (local.get $ws)
       )
       (local.set $hi
        (i32.const 3)
       )
       (loop $cnt0
        (v128.store
         (local.get $lo)
         (f32x4.replace_lane 3
          (f32x4.replace_lane 2
           (f32x4.replace_lane 1
            (f32x4.replace_lane 0
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
             (f32.load
              (local.get $i0)
             )
            )
            (f32.load offset=12
             (local.get $i0)
            )
           )
           (f32.load offset=24
            (local.get $i0)
           )
          )
          (f32.load offset=36
           (local.get $i0)
          )
         )
        )
        (v128.store offset=16
         (local.get $lo)
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $i0
         (i32.add
          (local.get $i0)
          (i32.const 4)
         )
        )
        (local.set $lo
         (i32.add
          (local.get $lo)
          (i32.const 32)
         )
        )
        (br_if $cnt0
         (local.tee $hi
          (i32.sub
           (local.get $hi)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $i4
        (local.get $i2)
       )
       (local.set $lo
        (i32.add
         (local.get $a)
         (i32.mul
          (local.get $i2)
          (i32.const 12)
         )
        )
       )
       (local.set $i1
        (i32.add
         (local.get $c)
         (i32.shl
          (local.get $i2)
          (i32.const 4)
         )
        )
       )
       (loop $top3
        (if
         (i32.eqz
          (i32.lt_s
           (local.get $i10)
           (i32.add
            (local.get $i4)
            (i32.const 4)
           )
          )
         )
         (then
          (local.set $v5
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v6
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v7
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v8
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i0
           (local.get $lo)
          )
          (local.set $i9
           (i32.add
            (local.tee $hi
             (local.get $ws)
            )
            (i32.const 96)
           )
          )
          (loop $k1
           (local.set $v5
            (f32x4.add
             (local.get $v5)
             (f32x4.mul
              (v128.load32_splat
               (local.get $i0)
              )
              (local.tee $v3
               (v128.load align=4
                (local.get $hi)
               )
              )
             )
            )
           )
           (local.set $v6
            (f32x4.add
             (local.get $v6)
             (f32x4.mul
              (v128.load32_splat offset=12
               (local.get $i0)
              )
              (local.get $v3)
             )
            )
           )
           (local.set $v7
            (f32x4.add
             (local.get $v7)
             (f32x4.mul
              (v128.load32_splat offset=24
               (local.get $i0)
              )
              (local.get $v3)
             )
            )
           )
           (local.set $v8
            (f32x4.add
             (local.get $v8)
             (f32x4.mul
              (v128.load32_splat offset=36
               (local.get $i0)
              )
              (local.get $v3)
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $i0)
             (i32.const 4)
            )
           )
           (br_if $k1
            (i32.ne
             (local.get $i9)
             (local.tee $hi
              (i32.add
               (local.get $hi)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store align=4
           (local.get $i1)
           (local.get $v5)
          )
          (v128.store offset=16 align=4
           (local.get $i1)
           (local.get $v6)
          )
          (v128.store offset=32 align=4
           (local.get $i1)
           (local.get $v7)
          )
          (v128.store offset=48 align=4
           (local.get $i1)
           (local.get $v8)
          )
          (local.set $i4
           (i32.add
            (local.get $i4)
            (i32.const 4)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 48)
           )
          )
          (local.set $i1
           (i32.sub
            (local.get $i1)
            (i32.const -64)
           )
          )
          (br $top3)
         )
        )
       )
       (loop $top6
        (if
         (i32.eqz
          (i32.ge_s
           (local.get $i4)
           (local.get $i10)
          )
         )
         (then
          (local.set $v3
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i0
           (local.get $lo)
          )
          (local.set $i9
           (i32.add
            (local.tee $hi
             (local.get $ws)
            )
            (i32.const 96)
           )
          )
          (loop $k4
           (local.set $v3
            (f32x4.add
             (local.get $v3)
             (f32x4.mul
              (v128.load32_splat
               (local.get $i0)
              )
              (v128.load align=4
               (local.get $hi)
              )
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $i0)
             (i32.const 4)
            )
           )
           (br_if $k4
            (i32.ne
             (local.get $i9)
             (local.tee $hi
              (i32.add
               (local.get $hi)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store align=4
           (local.get $i1)
           (local.get $v3)
          )
          (local.set $i4
           (i32.add
            (local.get $i4)
            (i32.const 1)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 12)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 16)
           )
          )
          (br $top6)
         )
        )
       )
      )
     )
     (local.set $i2
      (i32.add
       (local.get $i2)
       (i32.const 256)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_tn_4x3 (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $i1 i32)
  (local $i2 i32)
  (local $v3 v128)
  (local $v4 v128)
  (local $v5 v128)
  (local $i6 i32)
  (local $v7 v128)
  (local $v8 v128)
  (local $i9 i32)
  (local $i10 i32)
  (local $v11 v128)
  (local $v12 v128)
  (local $v13 v128)
  (local $v14 v128)
  (local $i15 i32)
  (local $v16 v128)
  (local $v17 v128)
  (local $i18 i32)
  (local $i19 i32)
  (local $i20 i32)
  (local $i21 i32)
  (local $i22 i32)
  (local $i23 i32)
  (local $i24 i32)
  (local $i25 i32)
  (local $i26 i32)
  (local $i27 i32)
  (local $i28 i32)
  (local $i29 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i29
   (i32.shl
    (local.get $lo)
    (i32.const 3)
   )
  )
  (local.set $i28
   (select
    (local.tee $i24
     (select
      (i32.const 3)
      (local.tee $lo
       (i32.shl
        (select
         (local.get $hi)
         (i32.const 1)
         (local.get $hi)
        )
        (i32.const 3)
       )
      )
      (i32.ge_s
       (local.get $lo)
       (i32.const 3)
      )
     )
    )
    (i32.const 0)
    (i32.lt_s
     (local.get $i24)
     (i32.const 0)
    )
   )
  )
  (loop $top18
   (if
    (i32.eqz
     (i32.gt_s
      (local.get $i21)
      (i32.const 0)
     )
    )
    (then
     (local.set $i25
      (select
       (i32.const 1)
       (local.tee $lo
        (i32.sub
         (i32.const 1)
         (local.get $i21)
        )
       )
       (i32.gt_s
        (local.get $lo)
        (i32.const 0)
       )
      )
     )
     (local.set $hi
      (local.get $i29)
     )
     (loop $top16
      (if
       (i32.eqz
        (i32.ge_s
         (local.get $hi)
         (local.get $i24)
        )
       )
       (then
        (local.set $i26
         (select
          (local.tee $lo
           (i32.add
            (local.get $hi)
            (i32.const 8)
           )
          )
          (local.get $i24)
          (i32.lt_s
           (local.get $lo)
           (local.get $i24)
          )
         )
        )
        (local.set $i19
         (i32.const 0)
        )
        (loop $chunk0
         (local.set $i18
          (select
           (i32.const 64)
           (local.tee $lo
            (i32.sub
             (local.get $m)
             (local.get $i19)
            )
           )
           (i32.ge_s
            (local.get $lo)
            (i32.const 64)
           )
          )
         )
         (local.set $i22
          (i32.eqz
           (local.get $i19)
          )
         )
         (local.set $i23
          (i32.ge_s
           (i32.sub
            (local.get $i19)
            (i32.const -64)
           )
           (local.get $m)
          )
         )
         (if
          (i32.and
           (i32.lt_s
            (local.get $hi)
            (local.get $i26)
           )
           (i32.lt_s
            (local.get $hi)
            (local.get $i28)
           )
          )
          (then
           (local.set $i10
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $i6
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i19)
                (i32.const 3)
               )
               (local.get $hi)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $ws)
             (i32.const 3072)
            )
           )
           (local.set $i1
            (i32.add
             (local.get $c)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i21)
                (i32.const 12)
               )
               (local.get $hi)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i9
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i19)
                (i32.const 2)
               )
               (i32.shl
                (local.get $i21)
                (i32.const 2)
               )
              )
              (i32.const 2)
             )
            )
           )
           (local.set $v7
            (if (result v128)
             (local.get $i22)
             (then
              (local.set $v3
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v4
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v5
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v8
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v12
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v13
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v14
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
             )
             (else
              (local.set $v3
               (v128.load offset=16
                (local.get $i0)
               )
              )
              (local.set $v4
               (v128.load offset=32
                (local.get $i0)
               )
              )
              (local.set $v5
               (v128.load offset=48
                (local.get $i0)
               )
              )
              (local.set $v8
               (v128.load offset=64
                (local.get $i0)
               )
              )
              (local.set $v12
               (v128.load offset=80
                (local.get $i0)
               )
              )
              (local.set $v13
               (v128.load offset=96
                (local.get $i0)
               )
              )
              (local.set $v14
               (v128.load offset=112
                (local.get $i0)
               )
              )
              (v128.load
               (local.get $i0)
              )
             )
            )
           )
           (local.set $i2
            (local.get $ws)
           )
           (local.set $i15
            (local.get $i10)
           )
           (local.set $lo
            (local.get $i9)
           )
           (if
            (i32.gt_s
             (local.get $i18)
             (i32.const 0)
            )
            (then
             (local.set $i20
              (i32.add
               (local.get $i10)
               (i32.shl
                (local.get $i18)
                (i32.const 5)
               )
              )
             )
             (loop $k9
              (v128.store
               (local.get $i15)
               (local.tee $v17
                (v128.load align=4
                 (local.get $i6)
                )
               )
              )
              (v128.store offset=16
               (local.get $i15)
               (local.tee $v16
                (v128.load offset=16 align=4
                 (local.get $i6)
                )
               )
              )
              (v128.store
               (local.get $i2)
               (v128.load align=4
                (local.get $lo)
               )
              )
              (local.set $v7
               (f32x4.add
                (local.get $v7)
                (f32x4.mul
                 (local.tee $v11
                  (v128.load32_splat
                   (local.get $lo)
                  )
                 )
                 (local.get $v17)
                )
               )
              )
              (local.set $v3
               (f32x4.add
                (local.get $v3)
                (f32x4.mul
                 (local.get $v11)
                 (local.get $v16)
                )
               )
              )
              (local.set $v4
               (f32x4.add
                (local.get $v4)
                (f32x4.mul
                 (local.tee $v11
                  (v128.load32_splat offset=4
                   (local.get $lo)
                  )
                 )
                 (local.get $v17)
                )
               )
              )
              (local.set $v5
               (f32x4.add
                (local.get $v5)
                (f32x4.mul
                 (local.get $v11)
                 (local.get $v16)
                )
               )
              )
              (local.set $v8
               (f32x4.add
                (local.get $v8)
                (f32x4.mul
                 (local.tee $v11
                  (v128.load32_splat offset=8
                   (local.get $lo)
                  )
                 )
                 (local.get $v17)
                )
               )
              )
              (local.set $v12
               (f32x4.add
                (local.get $v12)
                (f32x4.mul
                 (local.get $v11)
                 (local.get $v16)
                )
               )
              )
              (local.set $v13
               (f32x4.add
                (local.get $v13)
                (f32x4.mul
                 (local.tee $v11
                  (v128.load32_splat offset=12
                   (local.get $lo)
                  )
                 )
                 (local.get $v17)
                )
               )
              )
              (local.set $v14
               (f32x4.add
                (local.get $v14)
                (f32x4.mul
                 (local.get $v11)
                 (local.get $v16)
                )
               )
              )
              (local.set $i2
               (i32.add
                (local.get $i2)
                (i32.const 16)
               )
              )
              (local.set $lo
               (i32.add
                (local.get $lo)
                (i32.const 16)
               )
              )
              (local.set $i6
               (i32.add
                (local.get $i6)
                (i32.const 12)
               )
              )
              (br_if $k9
               (i32.ne
                (local.get $i20)
                (local.tee $i15
                 (i32.add
                  (local.get $i15)
                  (i32.const 32)
                 )
                )
               )
              )
             )
            )
           )
           (if
            (local.get $i23)
            (then
             (v128.store align=4
              (local.get $i1)
              (local.get $v7)
             )
             (v128.store offset=16 align=4
              (local.get $i1)
              (local.get $v3)
             )
             (v128.store offset=12 align=4
              (local.get $i1)
              (local.get $v4)
             )
             (v128.store offset=28 align=4
              (local.get $i1)
              (local.get $v5)
             )
             (v128.store offset=24 align=4
              (local.get $i1)
              (local.get $v8)
             )
             (v128.store offset=40 align=4
              (local.get $i1)
              (local.get $v12)
             )
             (v128.store offset=36 align=4
              (local.get $i1)
              (local.get $v13)
             )
             (v128.store offset=52 align=4
              (local.get $i1)
              (local.get $v14)
             )
            )
            (else
             (v128.store
              (local.get $i0)
              (local.get $v7)
             )
             (v128.store offset=16
              (local.get $i0)
              (local.get $v3)
             )
             (v128.store offset=32
              (local.get $i0)
              (local.get $v4)
             )
             (v128.store offset=48
              (local.get $i0)
              (local.get $v5)
             )
             (v128.store offset=64
              (local.get $i0)
              (local.get $v8)
             )
             (v128.store offset=80
              (local.get $i0)
              (local.get $v12)
             )
             (v128.store offset=96
              (local.get $i0)
              (local.get $v13)
             )
             (v128.store offset=112
              (local.get $i0)
              (local.get $v14)
             )
            )
           )
           (local.set $lo
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $i0
            (i32.add
             (local.get $i0)
             (i32.const 128)
            )
           )
           (local.set $i1
            (i32.add
             (local.get $i1)
             (i32.const 48)
            )
           )
           (local.set $i15
            (i32.add
             (local.get $i9)
             (i32.const 16)
            )
           )
           (if
            (i32.gt_s
             (local.tee $i20
              (i32.sub
               (local.get $i25)
               (i32.const 1)
              )
             )
             (i32.const 0)
            )
            (then
             (loop $n11
              (local.set $v7
               (if (result v128)
                (local.get $i22)
                (then
                 (local.set $v3
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v4
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v5
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v8
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v12
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v13
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v14
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (else
                 (local.set $v3
                  (v128.load offset=16
                   (local.get $i0)
                  )
                 )
                 (local.set $v4
                  (v128.load offset=32
                   (local.get $i0)
                  )
                 )
                 (local.set $v5
                  (v128.load offset=48
                   (local.get $i0)
                  )
                 )
                 (local.set $v8
                  (v128.load offset=64
                   (local.get $i0)
                  )
                 )
                 (local.set $v12
                  (v128.load offset=80
                   (local.get $i0)
                  )
                 )
                 (local.set $v13
                  (v128.load offset=96
                   (local.get $i0)
                  )
                 )
                 (local.set $v14
                  (v128.load offset=112
                   (local.get $i0)
                  )
                 )
                 (v128.load
                  (local.get $i0)
                 )
                )
               )
              )
              (local.set $i9
               (local.get $lo)
              )
              (local.set $i2
               (local.get $i10)
              )
              (local.set $i6
               (local.get $i15)
              )
              (if
               (i32.gt_s
                (local.get $i18)
                (i32.const 0)
               )
               (then
                (local.set $i27
                 (i32.add
                  (local.get $i2)
                  (i32.shl
                   (local.get $i18)
                   (i32.const 5)
                  )
                 )
                )
                (loop $k10
                 (local.set $v17
                  (v128.load
                   (local.get $i2)
                  )
                 )
                 (local.set $v16
                  (v128.load offset=16
                   (local.get $i2)
                  )
                 )
                 (v128.store
                  (local.get $i9)
                  (v128.load align=4
                   (local.get $i6)
                  )
                 )
                 (local.set $v7
                  (f32x4.add
                   (local.get $v7)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat
                      (local.get $i6)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v3
                  (f32x4.add
                   (local.get $v3)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v4
                  (f32x4.add
                   (local.get $v4)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=4
                      (local.get $i6)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v5
                  (f32x4.add
                   (local.get $v5)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v8
                  (f32x4.add
                   (local.get $v8)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=8
                      (local.get $i6)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v12
                  (f32x4.add
                   (local.get $v12)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v13
                  (f32x4.add
                   (local.get $v13)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=12
                      (local.get $i6)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v14
                  (f32x4.add
                   (local.get $v14)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $i9
                  (i32.add
                   (local.get $i9)
                   (i32.const 16)
                  )
                 )
                 (local.set $i6
                  (i32.add
                   (local.get $i6)
                   (i32.const 16)
                  )
                 )
                 (br_if $k10
                  (i32.ne
                   (local.get $i27)
                   (local.tee $i2
                    (i32.add
                     (local.get $i2)
                     (i32.const 32)
                    )
                   )
                  )
                 )
                )
               )
              )
              (if
               (local.get $i23)
               (then
                (v128.store align=4
                 (local.get $i1)
                 (local.get $v7)
                )
                (v128.store offset=16 align=4
                 (local.get $i1)
                 (local.get $v3)
                )
                (v128.store offset=12 align=4
                 (local.get $i1)
                 (local.get $v4)
                )
                (v128.store offset=28 align=4
                 (local.get $i1)
                 (local.get $v5)
                )
                (v128.store offset=24 align=4
                 (local.get $i1)
                 (local.get $v8)
                )
                (v128.store offset=40 align=4
                 (local.get $i1)
                 (local.get $v12)
                )
                (v128.store offset=36 align=4
                 (local.get $i1)
                 (local.get $v13)
                )
                (v128.store offset=52 align=4
                 (local.get $i1)
                 (local.get $v14)
                )
               )
               (else
                (v128.store
                 (local.get $i0)
                 (local.get $v7)
                )
                (v128.store offset=16
                 (local.get $i0)
                 (local.get $v3)
                )
                (v128.store offset=32
                 (local.get $i0)
                 (local.get $v4)
                )
                (v128.store offset=48
                 (local.get $i0)
                 (local.get $v5)
                )
                (v128.store offset=64
                 (local.get $i0)
                 (local.get $v8)
                )
                (v128.store offset=80
                 (local.get $i0)
                 (local.get $v12)
                )
                (v128.store offset=96
                 (local.get $i0)
                 (local.get $v13)
                )
                (v128.store offset=112
                 (local.get $i0)
                 (local.get $v14)
                )
               )
              )
              (local.set $lo
               (i32.add
                (local.get $lo)
                (i32.const 1024)
               )
              )
              (local.set $i0
               (i32.add
                (local.get $i0)
                (i32.const 128)
               )
              )
              (local.set $i1
               (i32.add
                (local.get $i1)
                (i32.const 48)
               )
              )
              (local.set $i15
               (i32.add
                (local.get $i15)
                (i32.const 16)
               )
              )
              (br_if $n11
               (i32.gt_s
                (local.tee $i20
                 (i32.sub
                  (local.get $i20)
                  (i32.const 1)
                 )
                )
                (i32.const 0)
               )
              )
             )
            )
           )
           (local.set $i9
            (i32.add
             (local.get $hi)
             (i32.const 8)
            )
           )
           (loop $top5
            (if
             (i32.and
              (i32.lt_s
               (local.get $i9)
               (local.get $i26)
              )
              (i32.lt_s
               (local.get $i9)
               (local.get $i28)
              )
             )
             (then
              (local.set $i15
               (i32.add
                (local.get $ws)
                (i32.const 1024)
               )
              )
              (local.set $i6
               (i32.add
                (local.get $b)
                (i32.shl
                 (i32.add
                  (i32.mul
                   (local.get $i19)
                   (i32.const 3)
                  )
                  (local.get $i9)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i2
               (i32.add
                (i32.add
                 (local.get $ws)
                 (i32.const 3072)
                )
                (i32.shl
                 (i32.sub
                  (local.get $i9)
                  (local.get $hi)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i1
               (i32.add
                (local.get $c)
                (i32.shl
                 (i32.add
                  (i32.mul
                   (local.get $i21)
                   (i32.const 12)
                  )
                  (local.get $i9)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $v7
               (if (result v128)
                (local.get $i22)
                (then
                 (local.set $v3
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v4
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v5
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v8
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v12
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v13
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v14
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (else
                 (local.set $v3
                  (v128.load offset=16
                   (local.get $i2)
                  )
                 )
                 (local.set $v4
                  (v128.load offset=32
                   (local.get $i2)
                  )
                 )
                 (local.set $v5
                  (v128.load offset=48
                   (local.get $i2)
                  )
                 )
                 (local.set $v8
                  (v128.load offset=64
                   (local.get $i2)
                  )
                 )
                 (local.set $v12
                  (v128.load offset=80
                   (local.get $i2)
                  )
                 )
                 (local.set $v13
                  (v128.load offset=96
                   (local.get $i2)
                  )
                 )
                 (local.set $v14
                  (v128.load offset=112
                   (local.get $i2)
                  )
                 )
                 (v128.load
                  (local.get $i2)
                 )
                )
               )
              )
              (local.set $lo
               (local.get $ws)
              )
              (local.set $i10
               (local.get $i15)
              )
              (if
               (i32.gt_s
                (local.get $i18)
                (i32.const 0)
               )
               (then
                (local.set $i0
                 (i32.add
                  (local.get $i10)
                  (i32.shl
                   (local.get $i18)
                   (i32.const 5)
                  )
                 )
                )
                (loop $k1
                 (v128.store
                  (local.get $i10)
                  (local.tee $v17
                   (v128.load align=4
                    (local.get $i6)
                   )
                  )
                 )
                 (v128.store offset=16
                  (local.get $i10)
                  (local.tee $v16
                   (v128.load offset=16 align=4
                    (local.get $i6)
                   )
                  )
                 )
                 (local.set $v7
                  (f32x4.add
                   (local.get $v7)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat
                      (local.get $lo)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v3
                  (f32x4.add
                   (local.get $v3)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v4
                  (f32x4.add
                   (local.get $v4)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=4
                      (local.get $lo)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v5
                  (f32x4.add
                   (local.get $v5)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v8
                  (f32x4.add
                   (local.get $v8)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=8
                      (local.get $lo)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v12
                  (f32x4.add
                   (local.get $v12)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $v13
                  (f32x4.add
                   (local.get $v13)
                   (f32x4.mul
                    (local.tee $v11
                     (v128.load32_splat offset=12
                      (local.get $lo)
                     )
                    )
                    (local.get $v17)
                   )
                  )
                 )
                 (local.set $v14
                  (f32x4.add
                   (local.get $v14)
                   (f32x4.mul
                    (local.get $v11)
                    (local.get $v16)
                   )
                  )
                 )
                 (local.set $lo
                  (i32.add
                   (local.get $lo)
                   (i32.const 16)
                  )
                 )
                 (local.set $i6
                  (i32.add
                   (local.get $i6)
                   (i32.const 12)
                  )
                 )
                 (br_if $k1
                  (i32.ne
                   (local.get $i0)
                   (local.tee $i10
                    (i32.add
                     (local.get $i10)
                     (i32.const 32)
                    )
                   )
                  )
                 )
                )
               )
              )
              (if
               (local.get $i23)
               (then
                (v128.store align=4
                 (local.get $i1)
                 (local.get $v7)
                )
                (v128.store offset=16 align=4
                 (local.get $i1)
                 (local.get $v3)
                )
                (v128.store offset=12 align=4
                 (local.get $i1)
                 (local.get $v4)
                )
                (v128.store offset=28 align=4
                 (local.get $i1)
                 (local.get $v5)
                )
                (v128.store offset=24 align=4
                 (local.get $i1)
                 (local.get $v8)
                )
                (v128.store offset=40 align=4
                 (local.get $i1)
                 (local.get $v12)
                )
                (v128.store offset=36 align=4
                 (local.get $i1)
                 (local.get $v13)
                )
                (v128.store offset=52 align=4
                 (local.get $i1)
                 (local.get $v14)
                )
               )
               (else
                (v128.store
                 (local.get $i2)
                 (local.get $v7)
                )
                (v128.store offset=16
                 (local.get $i2)
                 (local.get $v3)
                )
                (v128.store offset=32
                 (local.get $i2)
                 (local.get $v4)
                )
                (v128.store offset=48
                 (local.get $i2)
                 (local.get $v5)
                )
                (v128.store offset=64
                 (local.get $i2)
                 (local.get $v8)
                )
                (v128.store offset=80
                 (local.get $i2)
                 (local.get $v12)
                )
                (v128.store offset=96
                 (local.get $i2)
                 (local.get $v13)
                )
                (v128.store offset=112
                 (local.get $i2)
                 (local.get $v14)
                )
               )
              )
              (local.set $lo
               (i32.add
                (local.get $ws)
                (i32.const 1024)
               )
              )
              (local.set $i0
               (i32.add
                (local.get $i2)
                (i32.const 128)
               )
              )
              (local.set $i1
               (i32.add
                (local.get $i1)
                (i32.const 48)
               )
              )
              (if
               (i32.gt_s
                (local.tee $i2
                 (i32.sub
                  (local.get $i25)
                  (i32.const 1)
                 )
                )
                (i32.const 0)
               )
               (then
                (loop $n3
                 (local.set $v7
                  (if (result v128)
                   (local.get $i22)
                   (then
                    (local.set $v3
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v4
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v5
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v8
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v12
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v13
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v14
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (else
                    (local.set $v3
                     (v128.load offset=16
                      (local.get $i0)
                     )
                    )
                    (local.set $v4
                     (v128.load offset=32
                      (local.get $i0)
                     )
                    )
                    (local.set $v5
                     (v128.load offset=48
                      (local.get $i0)
                     )
                    )
                    (local.set $v8
                     (v128.load offset=64
                      (local.get $i0)
                     )
                    )
                    (local.set $v12
                     (v128.load offset=80
                      (local.get $i0)
                     )
                    )
                    (local.set $v13
                     (v128.load offset=96
                      (local.get $i0)
                     )
                    )
                    (local.set $v14
                     (v128.load offset=112
                      (local.get $i0)
                     )
                    )
                    (v128.load
                     (local.get $i0)
                    )
                   )
                  )
                 )
                 (local.set $i10
                  (local.get $lo)
                 )
                 (local.set $i6
                  (local.get $i15)
                 )
                 (if
                  (i32.gt_s
                   (local.get $i18)
                   (i32.const 0)
                  )
                  (then
                   (local.set $i20
                    (i32.add
                     (local.get $i6)
                     (i32.shl
                      (local.get $i18)
                      (i32.const 5)
                     )
                    )
                   )
                   (loop $k2
                    (local.set $v7
                     (f32x4.add
                      (local.get $v7)
                      (f32x4.mul
                       (local.tee $v16
                        (v128.load32_splat
                         (local.get $i10)
                        )
                       )
                       (local.tee $v17
                        (v128.load
                         (local.get $i6)
                        )
                       )
                      )
                     )
                    )
                    (local.set $v3
                     (f32x4.add
                      (local.get $v3)
                      (f32x4.mul
                       (local.get $v16)
                       (local.tee $v16
                        (v128.load offset=16
                         (local.get $i6)
                        )
                       )
                      )
                     )
                    )
                    (local.set $v4
                     (f32x4.add
                      (local.get $v4)
                      (f32x4.mul
                       (local.tee $v11
                        (v128.load32_splat offset=4
                         (local.get $i10)
                        )
                       )
                       (local.get $v17)
                      )
                     )
                    )
                    (local.set $v5
                     (f32x4.add
                      (local.get $v5)
                      (f32x4.mul
                       (local.get $v11)
                       (local.get $v16)
                      )
                     )
                    )
                    (local.set $v8
                     (f32x4.add
                      (local.get $v8)
                      (f32x4.mul
                       (local.tee $v11
                        (v128.load32_splat offset=8
                         (local.get $i10)
                        )
                       )
                       (local.get $v17)
                      )
                     )
                    )
                    (local.set $v12
                     (f32x4.add
                      (local.get $v12)
                      (f32x4.mul
                       (local.get $v11)
                       (local.get $v16)
                      )
                     )
                    )
                    (local.set $v13
                     (f32x4.add
                      (local.get $v13)
                      (f32x4.mul
                       (local.tee $v11
                        (v128.load32_splat offset=12
                         (local.get $i10)
                        )
                       )
                       (local.get $v17)
                      )
                     )
                    )
                    (local.set $v14
                     (f32x4.add
                      (local.get $v14)
                      (f32x4.mul
                       (local.get $v11)
                       (local.get $v16)
                      )
                     )
                    )
                    (local.set $i10
                     (i32.add
                      (local.get $i10)
                      (i32.const 16)
                     )
                    )
                    (br_if $k2
                     (i32.ne
                      (local.get $i20)
                      (local.tee $i6
                       (i32.add
                        (local.get $i6)
                        (i32.const 32)
                       )
                      )
                     )
                    )
                   )
                  )
                 )
                 (if
                  (local.get $i23)
                  (then
                   (v128.store align=4
                    (local.get $i1)
                    (local.get $v7)
                   )
                   (v128.store offset=16 align=4
                    (local.get $i1)
                    (local.get $v3)
                   )
                   (v128.store offset=12 align=4
                    (local.get $i1)
                    (local.get $v4)
                   )
                   (v128.store offset=28 align=4
                    (local.get $i1)
                    (local.get $v5)
                   )
                   (v128.store offset=24 align=4
                    (local.get $i1)
                    (local.get $v8)
                   )
                   (v128.store offset=40 align=4
                    (local.get $i1)
                    (local.get $v12)
                   )
                   (v128.store offset=36 align=4
                    (local.get $i1)
                    (local.get $v13)
                   )
                   (v128.store offset=52 align=4
                    (local.get $i1)
                    (local.get $v14)
                   )
                  )
                  (else
                   (v128.store
                    (local.get $i0)
                    (local.get $v7)
                   )
                   (v128.store offset=16
                    (local.get $i0)
                    (local.get $v3)
                   )
                   (v128.store offset=32
                    (local.get $i0)
                    (local.get $v4)
                   )
                   (v128.store offset=48
                    (local.get $i0)
                    (local.get $v5)
                   )
                   (v128.store offset=64
                    (local.get $i0)
                    (local.get $v8)
                   )
                   (v128.store offset=80
                    (local.get $i0)
                    (local.get $v12)
                   )
                   (v128.store offset=96
                    (local.get $i0)
                    (local.get $v13)
                   )
                   (v128.store offset=112
                    (local.get $i0)
                    (local.get $v14)
                   )
                  )
                 )
                 (local.set $lo
                  (i32.add
                   (local.get $lo)
                   (i32.const 1024)
                  )
                 )
                 (local.set $i0
                  (i32.add
                   (local.get $i0)
                   (i32.const 128)
                  )
                 )
                 (local.set $i1
                  (i32.add
                   (local.get $i1)
                   (i32.const 48)
                  )
                 )
                 (br_if $n3
                  (i32.gt_s
                   (local.tee $i2
                    (i32.sub
                     (local.get $i2)
                     (i32.const 1)
                    )
                   )
                   (i32.const 0)
                  )
                 )
                )
               )
              )
              (local.set $i9
               (i32.add
                (local.get $i9)
                (i32.const 8)
               )
              )
              (br $top5)
             )
            )
           )
           (if
            (i32.lt_s
             (local.get $i9)
             (local.get $i26)
            )
            (then
             (local.set $i15
              (i32.add
               (local.get $ws)
               (i32.const 1024)
              )
             )
             (local.set $i10
              (i32.add
               (local.get $b)
               (i32.shl
                (i32.add
                 (i32.mul
                  (local.get $i19)
                  (i32.const 3)
                 )
                 (local.get $i9)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i2
              (i32.add
               (i32.add
                (local.get $ws)
                (i32.const 3072)
               )
               (i32.shl
                (i32.sub
                 (local.get $i9)
                 (local.get $hi)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i9
              (i32.add
               (local.get $c)
               (i32.shl
                (i32.add
                 (i32.mul
                  (local.get $i21)
                  (i32.const 12)
                 )
                 (local.get $i9)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $v7
              (if (result v128)
               (local.get $i22)
               (then
                (local.set $v3
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v4
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v5
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v3
                 (v128.load offset=32
                  (local.get $i2)
                 )
                )
                (local.set $v4
                 (v128.load offset=64
                  (local.get $i2)
                 )
                )
                (local.set $v5
                 (v128.load offset=96
                  (local.get $i2)
                 )
                )
                (v128.load
                 (local.get $i2)
                )
               )
              )
             )
             (local.set $lo
              (local.get $ws)
             )
             (local.set $i6
              (local.get $i15)
             )
             (if
              (i32.gt_s
               (local.get $i18)
               (i32.const 0)
              )
              (then
               (local.set $i0
                (i32.add
                 (local.get $i6)
                 (i32.shl
                  (local.get $i18)
                  (i32.const 5)
                 )
                )
               )
               (loop $k6
                (v128.store
                 (local.get $i6)
                 (local.tee $v8
                  (v128.load32_lane offset=8 2
                   (local.get $i10)
                   (v128.load64_zero align=4
                    (local.get $i10)
                   )
                  )
                 )
                )
                (local.set $v7
                 (f32x4.add
                  (local.get $v7)
                  (f32x4.mul
                   (v128.load32_splat
                    (local.get $lo)
                   )
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v3
                 (f32x4.add
                  (local.get $v3)
                  (f32x4.mul
                   (v128.load32_splat offset=4
                    (local.get $lo)
                   )
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v4
                 (f32x4.add
                  (local.get $v4)
                  (f32x4.mul
                   (v128.load32_splat offset=8
                    (local.get $lo)
                   )
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v5
                 (f32x4.add
                  (local.get $v5)
                  (f32x4.mul
                   (v128.load32_splat offset=12
                    (local.get $lo)
                   )
                   (local.get $v8)
                  )
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 16)
                 )
                )
                (local.set $i10
                 (i32.add
                  (local.get $i10)
                  (i32.const 12)
                 )
                )
                (br_if $k6
                 (i32.ne
                  (local.get $i0)
                  (local.tee $i6
                   (i32.add
                    (local.get $i6)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i23)
              (then
               (v128.store64_lane align=4 0
                (local.get $i9)
                (local.get $v7)
               )
               (v128.store32_lane offset=8 2
                (local.get $i9)
                (local.get $v7)
               )
               (v128.store64_lane offset=12 align=4 0
                (local.get $i9)
                (local.get $v3)
               )
               (v128.store32_lane offset=20 2
                (local.get $i9)
                (local.get $v3)
               )
               (v128.store64_lane offset=24 align=4 0
                (local.get $i9)
                (local.get $v4)
               )
               (v128.store32_lane offset=32 2
                (local.get $i9)
                (local.get $v4)
               )
               (v128.store64_lane offset=36 align=4 0
                (local.get $i9)
                (local.get $v5)
               )
               (v128.store32_lane offset=44 2
                (local.get $i9)
                (local.get $v5)
               )
              )
              (else
               (v128.store
                (local.get $i2)
                (local.get $v7)
               )
               (v128.store offset=32
                (local.get $i2)
                (local.get $v3)
               )
               (v128.store offset=64
                (local.get $i2)
                (local.get $v4)
               )
               (v128.store offset=96
                (local.get $i2)
                (local.get $v5)
               )
              )
             )
             (local.set $lo
              (i32.add
               (local.get $ws)
               (i32.const 1024)
              )
             )
             (local.set $i0
              (i32.add
               (local.get $i2)
               (i32.const 128)
              )
             )
             (local.set $i1
              (i32.add
               (local.get $i9)
               (i32.const 48)
              )
             )
             (if
              (i32.gt_s
               (local.tee $i2
                (i32.sub
                 (local.get $i25)
                 (i32.const 1)
                )
               )
               (i32.const 0)
              )
              (then
               (loop $n8
                (local.set $v7
                 (if (result v128)
                  (local.get $i22)
                  (then
                   (local.set $v3
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v4
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v5
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v3
                    (v128.load offset=32
                     (local.get $i0)
                    )
                   )
                   (local.set $v4
                    (v128.load offset=64
                     (local.get $i0)
                    )
                   )
                   (local.set $v5
                    (v128.load offset=96
                     (local.get $i0)
                    )
                   )
                   (v128.load
                    (local.get $i0)
                   )
                  )
                 )
                )
                (local.set $i10
                 (local.get $lo)
                )
                (local.set $i6
                 (local.get $i15)
                )
                (if
                 (i32.gt_s
                  (local.get $i18)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i9
                   (i32.add
                    (local.get $i6)
                    (i32.shl
                     (local.get $i18)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k7
                   (local.set $v7
                    (f32x4.add
                     (local.get $v7)
                     (f32x4.mul
                      (v128.load32_splat
                       (local.get $i10)
                      )
                      (local.tee $v8
                       (v128.load
                        (local.get $i6)
                       )
                      )
                     )
                    )
                   )
                   (local.set $v3
                    (f32x4.add
                     (local.get $v3)
                     (f32x4.mul
                      (v128.load32_splat offset=4
                       (local.get $i10)
                      )
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $v4
                    (f32x4.add
                     (local.get $v4)
                     (f32x4.mul
                      (v128.load32_splat offset=8
                       (local.get $i10)
                      )
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $v5
                    (f32x4.add
                     (local.get $v5)
                     (f32x4.mul
                      (v128.load32_splat offset=12
                       (local.get $i10)
                      )
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $i10
                    (i32.add
                     (local.get $i10)
                     (i32.const 16)
                    )
                   )
                   (br_if $k7
                    (i32.ne
                     (local.get $i9)
                     (local.tee $i6
                      (i32.add
                       (local.get $i6)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i23)
                 (then
                  (v128.store64_lane align=4 0
                   (local.get $i1)
                   (local.get $v7)
                  )
                  (v128.store32_lane offset=8 2
                   (local.get $i1)
                   (local.get $v7)
                  )
                  (v128.store64_lane offset=12 align=4 0
                   (local.get $i1)
                   (local.get $v3)
                  )
                  (v128.store32_lane offset=20 2
                   (local.get $i1)
                   (local.get $v3)
                  )
                  (v128.store64_lane offset=24 align=4 0
                   (local.get $i1)
                   (local.get $v4)
                  )
                  (v128.store32_lane offset=32 2
                   (local.get $i1)
                   (local.get $v4)
                  )
                  (v128.store64_lane offset=36 align=4 0
                   (local.get $i1)
                   (local.get $v5)
                  )
                  (v128.store32_lane offset=44 2
                   (local.get $i1)
                   (local.get $v5)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i0)
                   (local.get $v7)
                  )
                  (v128.store offset=32
                   (local.get $i0)
                   (local.get $v3)
                  )
                  (v128.store offset=64
                   (local.get $i0)
                   (local.get $v4)
                  )
                  (v128.store offset=96
                   (local.get $i0)
                   (local.get $v5)
                  )
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 1024)
                 )
                )
                (local.set $i0
                 (i32.add
                  (local.get $i0)
                  (i32.const 128)
                 )
                )
                (local.set $i1
                 (i32.add
                  (local.get $i1)
                  (i32.const 48)
                 )
                )
                (br_if $n8
                 (i32.gt_s
                  (local.tee $i2
                   (i32.sub
                    (local.get $i2)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                )
               )
              )
             )
            )
           )
          )
          (else
           (local.set $i10
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $i15
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i19)
                (i32.const 3)
               )
               (local.get $hi)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $ws)
             (i32.const 3072)
            )
           )
           (local.set $i1
            (i32.add
             (local.get $c)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i21)
                (i32.const 12)
               )
               (local.get $hi)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i9
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i19)
                (i32.const 2)
               )
               (i32.shl
                (local.get $i21)
                (i32.const 2)
               )
              )
              (i32.const 2)
             )
            )
           )
           (local.set $v7
            (if (result v128)
             (local.get $i22)
             (then
              (local.set $v3
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v4
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (local.set $v5
               (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              )
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
             )
             (else
              (local.set $v3
               (v128.load offset=32
                (local.get $i0)
               )
              )
              (local.set $v4
               (v128.load offset=64
                (local.get $i0)
               )
              )
              (local.set $v5
               (v128.load offset=96
                (local.get $i0)
               )
              )
              (v128.load
               (local.get $i0)
              )
             )
            )
           )
           (local.set $i6
            (local.get $ws)
           )
           (local.set $i2
            (local.get $i10)
           )
           (local.set $lo
            (local.get $i9)
           )
           (if
            (i32.gt_s
             (local.get $i18)
             (i32.const 0)
            )
            (then
             (local.set $i20
              (i32.add
               (local.get $i2)
               (i32.shl
                (local.get $i18)
                (i32.const 5)
               )
              )
             )
             (loop $k12
              (v128.store
               (local.get $i2)
               (local.tee $v8
                (v128.load32_lane offset=8 2
                 (local.get $i15)
                 (v128.load64_zero align=4
                  (local.get $i15)
                 )
                )
               )
              )
              (v128.store
               (local.get $i6)
               (v128.load align=4
                (local.get $lo)
               )
              )
              (local.set $v7
               (f32x4.add
                (local.get $v7)
                (f32x4.mul
                 (v128.load32_splat
                  (local.get $lo)
                 )
                 (local.get $v8)
                )
               )
              )
              (local.set $v3
               (f32x4.add
                (local.get $v3)
                (f32x4.mul
                 (v128.load32_splat offset=4
                  (local.get $lo)
                 )
                 (local.get $v8)
                )
               )
              )
              (local.set $v4
               (f32x4.add
                (local.get $v4)
                (f32x4.mul
                 (v128.load32_splat offset=8
                  (local.get $lo)
                 )
                 (local.get $v8)
                )
               )
              )
              (local.set $v5
               (f32x4.add
                (local.get $v5)
                (f32x4.mul
                 (v128.load32_splat offset=12
                  (local.get $lo)
                 )
                 (local.get $v8)
                )
               )
              )
              (local.set $i6
               (i32.add
                (local.get $i6)
                (i32.const 16)
               )
              )
              (local.set $lo
               (i32.add
                (local.get $lo)
                (i32.const 16)
               )
              )
              (local.set $i15
               (i32.add
                (local.get $i15)
                (i32.const 12)
               )
              )
              (br_if $k12
               (i32.ne
                (local.get $i20)
                (local.tee $i2
                 (i32.add
                  (local.get $i2)
                  (i32.const 32)
                 )
                )
               )
              )
             )
            )
           )
           (if
            (local.get $i23)
            (then
             (v128.store64_lane align=4 0
              (local.get $i1)
              (local.get $v7)
             )
             (v128.store32_lane offset=8 2
              (local.get $i1)
              (local.get $v7)
             )
             (v128.store64_lane offset=12 align=4 0
              (local.get $i1)
              (local.get $v3)
             )
             (v128.store32_lane offset=20 2
              (local.get $i1)
              (local.get $v3)
             )
             (v128.store64_lane offset=24 align=4 0
              (local.get $i1)
              (local.get $v4)
             )
             (v128.store32_lane offset=32 2
              (local.get $i1)
              (local.get $v4)
             )
             (v128.store64_lane offset=36 align=4 0
              (local.get $i1)
              (local.get $v5)
             )
             (v128.store32_lane offset=44 2
              (local.get $i1)
              (local.get $v5)
             )
            )
            (else
             (v128.store
              (local.get $i0)
              (local.get $v7)
             )
             (v128.store offset=32
              (local.get $i0)
              (local.get $v3)
             )
             (v128.store offset=64
              (local.get $i0)
              (local.get $v4)
             )
             (v128.store offset=96
              (local.get $i0)
              (local.get $v5)
             )
            )
           )
           (local.set $lo
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $i0
            (i32.add
             (local.get $i0)
             (i32.const 128)
            )
           )
           (local.set $i1
            (i32.add
             (local.get $i1)
             (i32.const 48)
            )
           )
           (local.set $i15
            (i32.add
             (local.get $i9)
             (i32.const 16)
            )
           )
           (if
            (i32.gt_s
             (local.tee $i20
              (i32.sub
               (local.get $i25)
               (i32.const 1)
              )
             )
             (i32.const 0)
            )
            (then
             (loop $n14
              (local.set $v7
               (if (result v128)
                (local.get $i22)
                (then
                 (local.set $v3
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v4
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (local.set $v5
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (else
                 (local.set $v3
                  (v128.load offset=32
                   (local.get $i0)
                  )
                 )
                 (local.set $v4
                  (v128.load offset=64
                   (local.get $i0)
                  )
                 )
                 (local.set $v5
                  (v128.load offset=96
                   (local.get $i0)
                  )
                 )
                 (v128.load
                  (local.get $i0)
                 )
                )
               )
              )
              (local.set $i2
               (local.get $lo)
              )
              (local.set $i9
               (local.get $i10)
              )
              (local.set $i6
               (local.get $i15)
              )
              (if
               (i32.gt_s
                (local.get $i18)
                (i32.const 0)
               )
               (then
                (local.set $i27
                 (i32.add
                  (local.get $i9)
                  (i32.shl
                   (local.get $i18)
                   (i32.const 5)
                  )
                 )
                )
                (loop $k13
                 (local.set $v8
                  (v128.load
                   (local.get $i9)
                  )
                 )
                 (v128.store
                  (local.get $i2)
                  (v128.load align=4
                   (local.get $i6)
                  )
                 )
                 (local.set $v7
                  (f32x4.add
                   (local.get $v7)
                   (f32x4.mul
                    (v128.load32_splat
                     (local.get $i6)
                    )
                    (local.get $v8)
                   )
                  )
                 )
                 (local.set $v3
                  (f32x4.add
                   (local.get $v3)
                   (f32x4.mul
                    (v128.load32_splat offset=4
                     (local.get $i6)
                    )
                    (local.get $v8)
                   )
                  )
                 )
                 (local.set $v4
                  (f32x4.add
                   (local.get $v4)
                   (f32x4.mul
                    (v128.load32_splat offset=8
                     (local.get $i6)
                    )
                    (local.get $v8)
                   )
                  )
                 )
                 (local.set $v5
                  (f32x4.add
                   (local.get $v5)
                   (f32x4.mul
                    (v128.load32_splat offset=12
                     (local.get $i6)
                    )
                    (local.get $v8)
                   )
                  )
                 )
                 (local.set $i2
                  (i32.add
                   (local.get $i2)
                   (i32.const 16)
                  )
                 )
                 (local.set $i6
                  (i32.add
                   (local.get $i6)
                   (i32.const 16)
                  )
                 )
                 (br_if $k13
                  (i32.ne
                   (local.get $i27)
                   (local.tee $i9
                    (i32.add
                     (local.get $i9)
                     (i32.const 32)
                    )
                   )
                  )
                 )
                )
               )
              )
              (if
               (local.get $i23)
               (then
                (v128.store64_lane align=4 0
                 (local.get $i1)
                 (local.get $v7)
                )
                (v128.store32_lane offset=8 2
                 (local.get $i1)
                 (local.get $v7)
                )
                (v128.store64_lane offset=12 align=4 0
                 (local.get $i1)
                 (local.get $v3)
                )
                (v128.store32_lane offset=20 2
                 (local.get $i1)
                 (local.get $v3)
                )
                (v128.store64_lane offset=24 align=4 0
                 (local.get $i1)
                 (local.get $v4)
                )
                (v128.store32_lane offset=32 2
                 (local.get $i1)
                 (local.get $v4)
                )
                (v128.store64_lane offset=36 align=4 0
                 (local.get $i1)
                 (local.get $v5)
                )
                (v128.store32_lane offset=44 2
                 (local.get $i1)
                 (local.get $v5)
                )
               )
               (else
                (v128.store
                 (local.get $i0)
                 (local.get $v7)
                )
                (v128.store offset=32
                 (local.get $i0)
                 (local.get $v3)
                )
                (v128.store offset=64
                 (local.get $i0)
                 (local.get $v4)
                )
                (v128.store offset=96
                 (local.get $i0)
                 (local.get $v5)
                )
               )
              )
              (local.set $lo
               (i32.add
                (local.get $lo)
                (i32.const 1024)
               )
              )
              (local.set $i0
               (i32.add
                (local.get $i0)
                (i32.const 128)
               )
              )
              (local.set $i1
               (i32.add
                (local.get $i1)
                (i32.const 48)
               )
              )
              (local.set $i15
               (i32.add
                (local.get $i15)
                (i32.const 16)
               )
              )
              (br_if $n14
               (i32.gt_s
                (local.tee $i20
                 (i32.sub
                  (local.get $i20)
                  (i32.const 1)
                 )
                )
                (i32.const 0)
               )
              )
             )
            )
           )
          )
         )
         (br_if $chunk0
          (i32.lt_s
           (local.tee $i19
            (i32.sub
             (local.get $i19)
             (i32.const -64)
            )
           )
           (local.get $m)
          )
         )
        )
        (local.set $hi
         (i32.add
          (local.get $hi)
          (i32.const 8)
         )
        )
        (br $top16)
       )
      )
     )
     (local.set $i21
      (i32.add
       (local.get $i21)
       (i32.const 1)
      )
     )
     (br $top18)
    )
   )
  )
 )
 (func $sum_rows_1_batched_3 (param $n i32) (param $out i32) (param $dy i32)
  (local $v0 v128)
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $n)
      (i32.const 0)
     )
    )
    (then
     (local.set $v0
      (f32x4.add
       (local.get $v0)
       (v128.load32_lane offset=8 2
        (local.get $dy)
        (v128.load64_zero align=4
         (local.get $dy)
        )
       )
      )
     )
     (local.set $dy
      (i32.add
       (local.get $dy)
       (i32.const 12)
      )
     )
     (local.set $n
      (i32.sub
       (local.get $n)
       (i32.const 1)
      )
     )
     (br $top1)
    )
   )
  )
  (v128.store64_lane align=4 0
   (local.get $out)
   (local.get $v0)
  )
  (v128.store32_lane offset=8 2
   (local.get $out)
   (local.get $v0)
  )
 )
 (func $conv2d_grad_kernel_4x4x1_k2x2_s1x1_4_pooled_k3x3_s3x3_dbias (param $n i32) (param $x i32) (param $dp i32) (param $argmax i32) (param $yp i32) (param $dk i32) (param $dbias i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $v1 v128)
  (local $i2 i32)
  (local $v3 v128)
  (local $v4 v128)
  (local $i5 i32)
  (local $i6 i32)
  (local $i7 i32)
  (local $i8 i32)
  (local $i9 i32)
  (local $i10 i32)
  (local $v11 v128)
  (local $v12 v128)
  (local $i13 i32)
  (local $i14 i32)
  (local $i15 i32)
  (if
   (i32.and
    (i32.le_s
     (local.get $lo)
     (i32.const 0)
    )
    (i32.gt_s
     (local.tee $i6
      (select
       (local.get $hi)
       (i32.const 1)
       (local.get $hi)
      )
     )
     (i32.const 0)
    )
   )
   (then
    (v128.store align=4
     (local.get $dk)
     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
    )
    (v128.store offset=16 align=4
     (local.get $dk)
     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
    )
    (v128.store offset=32 align=4
     (local.get $dk)
     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
    )
    (v128.store offset=48 align=4
     (local.get $dk)
     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
    )
   )
  )
  (local.set $i7
   (local.get $dp)
  )
  (local.set $i8
   (local.get $argmax)
  )
  (local.set $i9
   (local.get $yp)
  )
  (if
   (local.tee $i14
    (i32.and
     (i32.le_s
      (local.get $lo)
      (i32.const 0)
     )
     (i32.gt_s
      (local.get $i6)
      (i32.const 0)
     )
    )
   )
   (then
    (v128.store align=4
     (local.get $dbias)
     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
    )
   )
  )
  (local.set $dp
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i15
   (i32.and
    (i32.le_s
     (local.get $lo)
     (i32.const 0)
    )
    (i32.gt_s
     (local.get $i6)
     (i32.const 0)
    )
   )
  )
  (local.set $argmax
   (local.get $x)
  )
  (loop $top8
   (if
    (i32.gt_s
     (local.get $n)
     (local.get $i10)
    )
    (then
     (local.set $i5
      (i32.const 0)
     )
     (local.set $x
      (local.get $dp)
     )
     (local.set $i0
      (i32.const 3)
     )
     (loop $top4
      (if
       (local.get $i0)
       (then
        (local.set $ws
         (i32.add
          (local.tee $yp
           (i32.shl
            (i32.div_u
             (local.get $i5)
             (i32.const 3)
            )
            (i32.const 4)
           )
          )
          (local.get $i7)
         )
        )
        (local.set $hi
         (i32.add
          (local.get $yp)
          (local.get $i8)
         )
        )
        (local.set $i2
         (i32.add
          (local.get $yp)
          (local.get $i9)
         )
        )
        (local.set $x
         (i32.add
          (if (result i32)
           (local.get $i15)
           (then
            (local.set $v4
             (i32x4.splat
              (i32.mul
               (i32.rem_u
                (local.get $i5)
                (i32.const 3)
               )
               (i32.const 3)
              )
             )
            )
            (local.set $yp
             (local.get $x)
            )
            (local.set $i13
             (i32.const 1)
            )
            (loop $cnt2
             (v128.store align=4
              (local.get $x)
              (v128.and
               (local.tee $v1
                (v128.and
                 (v128.load align=4
                  (local.get $ws)
                 )
                 (f32x4.gt
                  (v128.load align=4
                   (local.get $i2)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                )
               )
               (i32x4.eq
                (local.tee $v3
                 (i32x4.sub
                  (v128.load align=4
                   (local.get $hi)
                  )
                  (local.get $v4)
                 )
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
              )
             )
             (v128.store offset=16 align=4
              (local.get $x)
              (v128.and
               (local.get $v1)
               (i32x4.eq
                (local.get $v3)
                (v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001)
               )
              )
             )
             (v128.store offset=32 align=4
              (local.get $x)
              (v128.and
               (local.get $v1)
               (i32x4.eq
                (local.get $v3)
                (v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002)
               )
              )
             )
             (local.set $ws
              (i32.add
               (local.get $ws)
               (i32.const 16)
              )
             )
             (local.set $hi
              (i32.add
               (local.get $hi)
               (i32.const 16)
              )
             )
             (local.set $i2
              (i32.add
               (local.get $i2)
               (i32.const 16)
              )
             )
             (local.set $x
              (i32.add
               (local.get $x)
               (i32.const 48)
              )
             )
             (br_if $cnt2
              (local.tee $i13
               (i32.sub
                (local.get $i13)
                (i32.const 1)
               )
              )
             )
            )
            (local.get $yp)
           )
           (else
            (local.get $x)
           )
          )
          (i32.const 48)
         )
        )
        (local.set $i5
         (i32.add
          (local.get $i5)
          (i32.const 1)
         )
        )
        (local.set $i0
         (i32.sub
          (local.get $i0)
          (i32.const 1)
         )
        )
        (br $top4)
       )
      )
     )
     (if
      (i32.and
       (i32.le_s
        (local.get $lo)
        (i32.const 0)
       )
       (i32.gt_s
        (local.get $i6)
        (i32.const 0)
       )
      )
      (then
       (local.set $v1
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
       )
       (local.set $v3
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
       )
       (local.set $v4
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
       )
       (local.set $v11
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
       )
       (local.set $x
        (local.get $argmax)
       )
       (local.set $yp
        (local.get $dp)
       )
       (local.set $i2
        (i32.const 3)
       )
       (loop $rows0
        (local.set $ws
         (local.get $x)
        )
        (local.set $hi
         (local.get $yp)
        )
        (local.set $i0
         (i32.const 3)
        )
        (loop $cnt1
         (local.set $v1
          (f32x4.add
           (local.get $v1)
           (f32x4.mul
            (v128.load32_splat
             (local.get $ws)
            )
            (local.tee $v12
             (v128.load align=4
              (local.get $hi)
             )
            )
           )
          )
         )
         (local.set $v3
          (f32x4.add
           (local.get $v3)
           (f32x4.mul
            (v128.load32_splat offset=4
             (local.get $ws)
            )
            (local.get $v12)
           )
          )
         )
         (local.set $v4
          (f32x4.add
           (local.get $v4)
           (f32x4.mul
            (v128.load32_splat offset=16
             (local.get $ws)
            )
            (local.get $v12)
           )
          )
         )
         (local.set $v11
          (f32x4.add
           (local.get $v11)
           (f32x4.mul
            (v128.load32_splat offset=20
             (local.get $ws)
            )
            (local.get $v12)
           )
          )
         )
         (local.set $ws
          (i32.add
           (local.get $ws)
           (i32.const 4)
          )
         )
         (local.set $hi
          (i32.add
           (local.get $hi)
           (i32.const 16)
          )
         )
         (br_if $cnt1
          (local.tee $i0
           (i32.sub
            (local.get $i0)
            (i32.const 1)
           )
          )
         )
        )
        (local.set $x
         (i32.add
          (local.get $x)
          (i32.const 16)
         )
        )
        (local.set $yp
         (i32.add
          (local.get $yp)
          (i32.const 48)
         )
        )
        (br_if $rows0
         (local.tee $i2
          (i32.sub
           (local.get $i2)
           (i32.const 1)
          )
         )
        )
       )
       (v128.store align=4
        (local.get $dk)
        (f32x4.add
         (local.get $v1)
         (v128.load align=4
          (local.get $dk)
         )
        )
       )
       (v128.store offset=16 align=4
        (local.get $dk)
        (f32x4.add
         (local.get $v3)
         (v128.load offset=16 align=4
          (local.get $dk)
         )
        )
       )
       (v128.store offset=32 align=4
        (local.get $dk)
        (f32x4.add
         (local.get $v4)
         (v128.load offset=32 align=4
          (local.get $dk)
         )
        )
       )
       (v128.store offset=48 align=4
        (local.get $dk)
        (f32x4.add
         (local.get $v11)
         (v128.load offset=48 align=4
          (local.get $dk)
         )
        )
       )
      )
     )
     (if
      (local.get $i14)
      (then
       (local.set $v1
        (v128.load align=4
         (local.get $dbias)
        )
       )
       (local.set $x
        (local.get $dp)
       )
       (local.set $i0
        (i32.const 9)
       )
       (loop $top6
        (if
         (local.get $i0)
         (then
          (local.set $v1
           (f32x4.add
            (local.get $v1)
            (v128.load align=4
             (local.get $x)
            )
           )
          )
          (local.set $x
           (i32.add
            (local.get $x)
            (i32.const 16)
           )
          )
          (local.set $i0
           (i32.sub
            (local.get $i0)
            (i32.const 1)
           )
          )
          (br $top6)
         )
        )
       )
       (v128.store align=4
        (local.get $dbias)
        (local.get $v1)
       )
      )
     )
     (local.set $argmax
      (i32.sub
       (local.get $argmax)
       (i32.const -64)
      )
     )
     (local.set $i7
      (i32.add
       (local.get $i7)
       (i32.const 16)
      )
     )
     (local.set $i8
      (i32.add
       (local.get $i8)
       (i32.const 16)
      )
     )
     (local.set $i9
      (i32.add
       (local.get $i9)
       (i32.const 16)
      )
     )
     (local.set $i10
      (i32.add
       (local.get $i10)
       (i32.const 1)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3 (param $n i32) (param $x i32) (param $k i32) (param $y i32) (param $bias i32) (param $ws i32)
  (local $v0 v128)
  (local $i1 i32)
  (local $i2 i32)
  (local $i3 i32)
  (local $i4 i32)
  (local $v5 v128)
  (local $v6 v128)
  (local $i7 i32)
  (local $i8 i32)
  (local $i9 i32)
  (local $i10 i32)
  (local $i11 i32)
  (local $i12 i32)
  (local $v13 v128)
  (local $i14 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i2
   (local.get $y)
  )
  (loop $top4
   (if
    (i32.eqz
     (i32.le_s
      (local.get $n)
      (local.get $i1)
     )
    )
    (then
     (local.set $i3
      (local.get $ws)
     )
     (local.set $y
      (local.get $x)
     )
     (local.set $i10
      (i32.const 3)
     )
     (loop $cnt2
      (local.set $i4
       (local.get $i3)
      )
      (local.set $v5
       (local.tee $v0
        (v128.load align=4
         (local.get $bias)
        )
       )
      )
      (local.set $v6
       (local.get $v0)
      )
      (local.set $i7
       (local.tee $i14
        (local.get $y)
       )
      )
      (local.set $i8
       (local.get $k)
      )
      (local.set $i11
       (i32.const 2)
      )
      (loop $cnt1
       (local.set $y
        (local.get $i7)
       )
       (local.set $i9
        (local.get $i8)
       )
       (local.set $i12
        (i32.const 2)
       )
       (loop $cnt0
        (local.set $v0
         (f32x4.add
          (local.get $v0)
          (f32x4.mul
           (v128.load32_splat
            (local.get $y)
           )
           (local.tee $v13
            (v128.load align=4
             (local.get $i9)
            )
           )
          )
         )
        )
        (local.set $v5
         (f32x4.add
          (local.get $v5)
          (f32x4.mul
           (v128.load32_splat offset=4
            (local.get $y)
           )
           (local.get $v13)
          )
         )
        )
        (local.set $v6
         (f32x4.add
          (local.get $v6)
          (f32x4.mul
           (v128.load32_splat offset=8
            (local.get $y)
           )
           (local.get $v13)
          )
         )
        )
        (local.set $y
         (i32.add
          (local.get $y)
          (i32.const 4)
         )
        )
        (local.set $i9
         (i32.add
          (local.get $i9)
          (i32.const 16)
         )
        )
        (br_if $cnt0
         (local.tee $i12
          (i32.sub
           (local.get $i12)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $i7
        (i32.add
         (local.get $i7)
         (i32.const 16)
        )
       )
       (local.set $i8
        (i32.add
         (local.get $i8)
         (i32.const 32)
        )
       )
       (br_if $cnt1
        (local.tee $i11
         (i32.sub
          (local.get $i11)
          (i32.const 1)
         )
        )
       )
      )
      (v128.store align=4
       (local.get $i4)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v0)
       )
      )
      (v128.store offset=16 align=4
       (local.get $i4)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v5)
       )
      )
      (v128.store offset=32 align=4
       (local.get $i4)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $v6)
       )
      )
      (local.set $y
       (i32.add
        (local.get $i14)
        (i32.const 16)
       )
      )
      (local.set $i3
       (i32.add
        (local.get $i3)
        (i32.const 48)
       )
      )
      (br_if $cnt2
       (local.tee $i10
        (i32.sub
         (local.get $i10)
         (i32.const 1)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $i2)
      (f32x4.pmax
       (f32x4.pmax
        (f32x4.pmax
         (f32x4.pmax
          (f32x4.pmax
           (f32x4.pmax
            (f32x4.pmax
             (f32x4.pmax
              (f32x4.pmax
               (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
               (v128.load align=4
                (local.get $ws)
               )
              )
              (v128.load offset=16 align=4
               (local.get $ws)
              )
             )
             (v128.load offset=32 align=4
              (local.get $ws)
             )
            )
            (v128.load offset=48 align=4
             (local.get $ws)
            )
           )
           (v128.load offset=64 align=4
            (local.get $ws)
           )
          )
          (v128.load offset=80 align=4
           (local.get $ws)
          )
         )
         (v128.load offset=96 align=4
          (local.get $ws)
         )
        )
        (v128.load offset=112 align=4
         (local.get $ws)
        )
       )
       (v128.load offset=128 align=4
        (local.get $ws)
       )
      )
     )
     (local.set $x
      (i32.sub
       (local.get $x)
       (i32.const -64)
      )
     )
     (local.set $i2
      (i32.add
       (local.get $i2)
       (i32.const 16)
      )
     )
     (local.set $i1
      (i32.add
       (local.get $i1)
       (i32.const 1)
      )
     )
     (br $top4)
    )
   )
  )
 )
 (func $softmax_1_batched_3_1 (param $n i32) (param $y i32) (param $x i32)
  (local $v0 v128)
  (local $v1 v128)
  (local $v2 v128)
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $n)
      (i32.const 0)
     )
    )
    (then
     (local.set $v0
      (f32x4.sub
       (local.tee $v2
        (f32x4.add
         (f32x4.mul
          (local.tee $v1
           (f32x4.pmax
            (f32x4.pmin
             (f32x4.sub
              (local.tee $v0
               (v128.load32_lane offset=8 2
                (local.get $x)
                (v128.load64_zero align=4
                 (local.get $x)
                )
               )
              )
              (f32x4.pmax
               (local.tee $v0
                (f32x4.pmax
                 (local.tee $v0
                  (f32x4.pmax
                   (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
                   (v128.bitselect
                    (local.get $v0)
                    (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
                    (v128.const i32x4 0xffffffff 0xffffffff 0xffffffff 0x00000000)
                   )
                  )
                 )
                 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                  (local.get $v0)
                  (local.get $v0)
                 )
                )
               )
               (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
                (local.get $v0)
                (local.get $v0)
               )
              )
             )
             (v128.const i32x4 0x42b20000 0x42b20000 0x42b20000 0x42b20000)
            )
            (v128.const i32x4 0xc2d00000 0xc2d00000 0xc2d00000 0xc2d00000)
           )
          )
          (v128.const i32x4 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b)
         )
         (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)
        )
       )
       (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)
      )
     )
     (v128.store64_lane align=4 0
      (local.get $y)
      (local.tee $v0
       (f32x4.mul
        (f32x4.mul
         (f32x4.add
          (f32x4.add
           (f32x4.mul
            (f32x4.mul
             (local.tee $v0
              (f32x4.sub
               (f32x4.sub
                (local.get $v1)
                (f32x4.mul
                 (local.get $v0)
                 (v128.const i32x4 0x3f318000 0x3f318000 0x3f318000 0x3f318000)
                )
               )
               (f32x4.mul
                (local.get $v0)
                (v128.const i32x4 0xb95e8083 0xb95e8083 0xb95e8083 0xb95e8083)
               )
              )
             )
             (local.get $v0)
            )
            (f32x4.add
             (f32x4.mul
              (f32x4.add
               (f32x4.mul
                (f32x4.add
                 (f32x4.mul
                  (f32x4.add
                   (f32x4.mul
                    (f32x4.add
                     (f32x4.mul
                      (v128.const i32x4 0x39506967 0x39506967 0x39506967 0x39506967)
                      (local.get $v0)
                     )
                     (v128.const i32x4 0x3ab743ce 0x3ab743ce 0x3ab743ce 0x3ab743ce)
                    )
                    (local.get $v0)
                   )
                   (v128.const i32x4 0x3c088908 0x3c088908 0x3c088908 0x3c088908)
                  )
                  (local.get $v0)
                 )
                 (v128.const i32x4 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1)
                )
                (local.get $v0)
               )
               (v128.const i32x4 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa)
              )
              (local.get $v0)
             )
             (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)
            )
           )
           (local.get $v0)
          )
          (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)
         )
         (i32x4.shl
          (i32x4.add
           (local.tee $v1
            (i32x4.shr_s
             (local.tee $v0
              (i32x4.sub
               (local.get $v2)
               (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)
              )
             )
             (i32.const 1)
            )
           )
           (v128.const i32x4 0x0000007f 0x0000007f 0x0000007f 0x0000007f)
          )
          (i32.const 23)
         )
        )
        (i32x4.shl
         (i32x4.add
          (i32x4.sub
           (local.get $v0)
           (local.get $v1)
          )
          (v128.const i32x4 0x0000007f 0x0000007f 0x0000007f 0x0000007f)
         )
         (i32.const 23)
        )
       )
      )
     )
     (v128.store32_lane offset=8 2
      (local.get $y)
      (local.get $v0)
     )
     (v128.store64_lane align=4 0
      (local.get $y)
      (local.tee $v0
       (f32x4.mul
        (v128.load32_lane offset=8 2
         (local.get $y)
         (v128.load64_zero align=4
          (local.get $y)
         )
        )
        (f32x4.div
         (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)
         (f32x4.add
          (local.tee $v0
           (f32x4.add
            (local.tee $v0
             (f32x4.add
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              (v128.and
               (local.get $v0)
               (v128.const i32x4 0xffffffff 0xffffffff 0xffffffff 0x00000000)
              )
             )
            )
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
             (local.get $v0)
             (local.get $v0)
            )
           )
          )
          (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
           (local.get $v0)
           (local.get $v0)
          )
         )
        )
       )
      )
     )
     (v128.store32_lane offset=8 2
      (local.get $y)
      (local.get $v0)
     )
     (local.set $y
      (i32.add
       (local.get $y)
       (i32.const 12)
      )
     )
     (local.set $x
      (i32.add
       (local.get $x)
       (i32.const 12)
      )
     )
     (local.set $n
      (i32.sub
       (local.get $n)
       (i32.const 1)
      )
     )
     (br $top1)
    )
   )
  )
 )
)
