(module
 (type $0 (func (param i32 i32 i32 i32 i32 i32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32 i32 i32 i32)))
 (type $2 (func (param i32 i32 i32 i32 i32)))
 (type $3 (func (param i32 i32 f64 i32 i32)))
 (type $4 (func (param i32 i32 i32 i32) (result f32)))
 (type $5 (func (param i32 i32 i32)))
 (import "env" "memory" (memory $memory 1 65536))
 (export "sgd_0_32" (func $sgd_0_32))
 (export "gemm_nn_3x5_bias_relu" (func $gemm_nn_3x5_bias_relu))
 (export "gemm_nn_5x2_bias" (func $gemm_nn_5x2_bias))
 (export "loss_mse_1_batched_2" (func $loss_mse_1_batched_2))
 (export "loss_grad_mse_1_batched_2" (func $loss_grad_mse_1_batched_2))
 (export "gemm_nt_5x2" (func $gemm_nt_5x2))
 (export "gemm_tn_5x2" (func $gemm_tn_5x2))
 (export "sum_rows_1_batched_2" (func $sum_rows_1_batched_2))
 (export "act_bias_relu_grad_1_batched_5" (func $act_bias_relu_grad_1_batched_5))
 (export "gemm_tn_3x5" (func $gemm_tn_3x5))
 (func $sgd_0_32 (param $w i32) (param $g i32) (param $lr f64) (param $lo i32) (param $hi i32)
  (local $v0 v128)
  (local $i1 i32)
  (local.set $w
   (i32.add
    (local.get $w)
    (i32.shl
     (local.tee $lo
      (i32.shl
       (local.get $lo)
       (i32.const 12)
      )
     )
     (i32.const 2)
    )
   )
  )
  (local.set $g
   (i32.add
    (local.get $g)
    (i32.shl
     (local.get $lo)
     (i32.const 2)
    )
   )
  )
  (local.set $v0
   (f32x4.splat
    (f32.demote_f64
     (local.get $lr)
    )
   )
  )
  (local.set $lo
   (i32.sub
    (select
     (local.tee $i1
      (i32.shl
       (local.get $hi)
       (i32.const 12)
      )
     )
     (i32.const 32)
     (i32.and
      (i32.ne
       (local.get $hi)
       (i32.const 0)
      )
      (i32.lt_s
       (local.get $i1)
       (i32.const 32)
      )
     )
    )
    (local.get $lo)
   )
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $lo)
      (i32.const 8)
     )
    )
    (then
     (v128.store align=4
      (local.get $w)
      (f32x4.sub
       (v128.load align=4
        (local.get $w)
       )
       (f32x4.mul
        (local.get $v0)
        (v128.load align=4
         (local.get $g)
        )
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $w)
      (f32x4.sub
       (v128.load offset=16 align=4
        (local.get $w)
       )
       (f32x4.mul
        (local.get $v0)
        (v128.load offset=16 align=4
         (local.get $g)
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
     (local.set $g
      (i32.add
       (local.get $g)
       (i32.const 32)
      )
     )
     (local.set $lo
      (i32.sub
       (local.get $lo)
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
      (local.get $lo)
      (i32.const 4)
     )
    )
    (then
     (v128.store align=4
      (local.get $w)
      (f32x4.sub
       (v128.load align=4
        (local.get $w)
       )
       (f32x4.mul
        (local.get $v0)
        (v128.load align=4
         (local.get $g)
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
     (local.set $g
      (i32.add
       (local.get $g)
       (i32.const 16)
      )
     )
     (local.set $lo
      (i32.sub
       (local.get $lo)
       (i32.const 4)
      )
     )
     (br $top3)
    )
   )
  )
  (if
   (i32.eq
    (local.get $lo)
    (i32.const 1)
   )
   (then
    (v128.store32_lane 0
     (local.get $w)
     (f32x4.sub
      (v128.load32_zero
       (local.get $w)
      )
      (f32x4.mul
       (local.get $v0)
       (v128.load32_zero
        (local.get $g)
       )
      )
     )
    )
    (local.set $g
     (i32.add
      (local.get $g)
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
    (local.get $lo)
    (i32.const 2)
   )
   (then
    (v128.store64_lane align=4 0
     (local.get $w)
     (f32x4.sub
      (v128.load64_zero align=4
       (local.get $w)
      )
      (f32x4.mul
       (local.get $v0)
       (v128.load64_zero align=4
        (local.get $g)
       )
      )
     )
    )
    (local.set $g
     (i32.add
      (local.get $g)
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
    (local.get $lo)
    (i32.const 3)
   )
   (then
    (v128.store64_lane align=4 0
     (local.get $w)
     (local.tee $v0
      (f32x4.sub
       (v128.load32_lane offset=8 2
        (local.get $w)
        (v128.load64_zero align=4
         (local.get $w)
        )
       )
       (f32x4.mul
        (local.get $v0)
        (v128.load32_lane offset=8 2
         (local.get $g)
         (v128.load64_zero align=4
          (local.get $g)
         )
        )
       )
      )
     )
    )
    (v128.store32_lane offset=8 2
     (local.get $w)
     (local.get $v0)
    )
   )
  )
 )
 (func $gemm_nn_3x5_bias_relu (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $v0 v128)
  (local $i1 i32)
  (local $i2 i32)
  (local $i3 i32)
  (local $i4 i32)
  (local $i5 i32)
  (local $v6 v128)
  (local $v7 v128)
  (local $v8 v128)
  (local $v9 v128)
  (local $v10 v128)
  (local $v11 v128)
  (local $v12 v128)
  (local $v13 v128)
  (local $v14 v128)
  (local $i15 i32)
  (local $v16 v128)
  (local $i17 i32)
  (local $i18 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i18
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
       (local.get $i18)
       (i32.const 0)
      )
      (then
       (local.set $i17
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
       (local.set $i1
        (i32.const 3)
       )
       (loop $cnt0
        (v128.store
         (local.get $lo)
         (v128.load align=4
          (local.get $i3)
         )
        )
        (v128.store offset=16
         (local.get $lo)
         (v128.load32_zero offset=16
          (local.get $i3)
         )
        )
        (local.set $i3
         (i32.add
          (local.get $i3)
          (i32.const 20)
         )
        )
        (local.set $lo
         (i32.add
          (local.get $lo)
          (i32.const 32)
         )
        )
        (br_if $cnt0
         (local.tee $i1
          (i32.sub
           (local.get $i1)
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
         (i32.mul
          (local.get $hi)
          (i32.const 12)
         )
        )
       )
       (local.set $i2
        (i32.add
         (local.get $c)
         (i32.mul
          (local.get $hi)
          (i32.const 20)
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
           (local.get $i17)
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
          (local.set $v10
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v11
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
          (local.set $i1
           (local.get $lo)
          )
          (local.set $i15
           (i32.add
            (local.tee $i5
             (local.get $ws)
            )
            (i32.const 96)
           )
          )
          (loop $k1
           (local.set $v0
            (f32x4.add
             (local.get $v0)
             (f32x4.mul
              (local.tee $v8
               (v128.load32_splat
                (local.get $i1)
               )
              )
              (local.tee $v16
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
              (local.get $v8)
              (local.tee $v8
               (v128.load offset=16 align=4
                (local.get $i5)
               )
              )
             )
            )
           )
           (local.set $v7
            (f32x4.add
             (local.get $v7)
             (f32x4.mul
              (local.tee $v9
               (v128.load32_splat offset=12
                (local.get $i1)
               )
              )
              (local.get $v16)
             )
            )
           )
           (local.set $v10
            (f32x4.add
             (local.get $v10)
             (f32x4.mul
              (local.get $v9)
              (local.get $v8)
             )
            )
           )
           (local.set $v11
            (f32x4.add
             (local.get $v11)
             (f32x4.mul
              (local.tee $v9
               (v128.load32_splat offset=24
                (local.get $i1)
               )
              )
              (local.get $v16)
             )
            )
           )
           (local.set $v12
            (f32x4.add
             (local.get $v12)
             (f32x4.mul
              (local.get $v9)
              (local.get $v8)
             )
            )
           )
           (local.set $v13
            (f32x4.add
             (local.get $v13)
             (f32x4.mul
              (local.tee $v9
               (v128.load32_splat offset=36
                (local.get $i1)
               )
              )
              (local.get $v16)
             )
            )
           )
           (local.set $v14
            (f32x4.add
             (local.get $v14)
             (f32x4.mul
              (local.get $v9)
              (local.get $v8)
             )
            )
           )
           (local.set $i1
            (i32.add
             (local.get $i1)
             (i32.const 4)
            )
           )
           (br_if $k1
            (i32.ne
             (local.get $i15)
             (local.tee $i5
              (i32.add
               (local.get $i5)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store align=4
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v0)
              (v128.load align=4
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store32_lane offset=16 0
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v6)
              (v128.load32_zero offset=16
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store offset=20 align=4
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v7)
              (v128.load align=4
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store32_lane offset=36 0
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v10)
              (v128.load32_zero offset=16
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store offset=40 align=4
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v11)
              (v128.load align=4
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store32_lane offset=56 0
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v12)
              (v128.load32_zero offset=16
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store offset=60 align=4
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v13)
              (v128.load align=4
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store32_lane offset=76 0
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v14)
              (v128.load32_zero offset=16
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (local.set $i3
           (i32.add
            (local.get $i3)
            (i32.const 4)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 48)
           )
          )
          (local.set $i2
           (i32.add
            (local.get $i2)
            (i32.const 80)
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
           (local.get $i17)
          )
         )
         (then
          (local.set $v0
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v6
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i5
           (local.get $lo)
          )
          (local.set $i15
           (i32.add
            (local.tee $i1
             (local.get $ws)
            )
            (i32.const 96)
           )
          )
          (loop $k4
           (local.set $v0
            (f32x4.add
             (local.get $v0)
             (f32x4.mul
              (local.tee $v7
               (v128.load32_splat
                (local.get $i5)
               )
              )
              (v128.load align=4
               (local.get $i1)
              )
             )
            )
           )
           (local.set $v6
            (f32x4.add
             (local.get $v6)
             (f32x4.mul
              (local.get $v7)
              (v128.load offset=16 align=4
               (local.get $i1)
              )
             )
            )
           )
           (local.set $i5
            (i32.add
             (local.get $i5)
             (i32.const 4)
            )
           )
           (br_if $k4
            (i32.ne
             (local.get $i15)
             (local.tee $i1
              (i32.add
               (local.get $i1)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store align=4
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v0)
              (v128.load align=4
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
          )
          (v128.store32_lane offset=16 0
           (local.get $i2)
           (v128.andnot
            (local.tee $v0
             (f32x4.add
              (local.get $v6)
              (v128.load32_zero offset=16
               (local.get $i4)
              )
             )
            )
            (f32x4.le
             (local.get $v0)
             (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
            )
           )
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
            (i32.const 12)
           )
          )
          (local.set $i2
           (i32.add
            (local.get $i2)
            (i32.const 20)
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
 (func $gemm_nn_5x2_bias (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $i1 i32)
  (local $i2 i32)
  (local $v3 v128)
  (local $i4 i32)
  (local $i5 i32)
  (local $v6 v128)
  (local $v7 v128)
  (local $v8 v128)
  (local $v9 v128)
  (local $i10 i32)
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
  (loop $top8
   (if
    (i32.gt_s
     (local.get $m)
     (local.get $i2)
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
        (i32.const 5)
       )
       (loop $cnt0
        (v128.store
         (local.get $lo)
         (v128.load64_zero align=4
          (local.get $i0)
         )
        )
        (v128.store offset=16
         (local.get $lo)
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $i0
         (i32.add
          (local.get $i0)
          (i32.const 8)
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
          (i32.const 20)
         )
        )
       )
       (local.set $i1
        (i32.add
         (local.get $c)
         (i32.shl
          (local.get $i2)
          (i32.const 3)
         )
        )
       )
       (local.set $i5
        (local.get $bias)
       )
       (loop $top3
        (if
         (i32.eqz
          (i32.lt_s
           (local.get $i11)
           (i32.add
            (local.get $i4)
            (i32.const 4)
           )
          )
         )
         (then
          (local.set $v6
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v7
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v8
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v9
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i0
           (local.get $lo)
          )
          (local.set $i10
           (i32.add
            (local.tee $hi
             (local.get $ws)
            )
            (i32.const 160)
           )
          )
          (loop $k1
           (local.set $v6
            (f32x4.add
             (local.get $v6)
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
           (local.set $v7
            (f32x4.add
             (local.get $v7)
             (f32x4.mul
              (v128.load32_splat offset=20
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
              (v128.load32_splat offset=40
               (local.get $i0)
              )
              (local.get $v3)
             )
            )
           )
           (local.set $v9
            (f32x4.add
             (local.get $v9)
             (f32x4.mul
              (v128.load32_splat offset=60
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
             (local.get $i10)
             (local.tee $hi
              (i32.add
               (local.get $hi)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store64_lane align=4 0
           (local.get $i1)
           (f32x4.add
            (local.get $v6)
            (v128.load64_zero align=4
             (local.get $i5)
            )
           )
          )
          (v128.store64_lane offset=8 align=4 0
           (local.get $i1)
           (f32x4.add
            (local.get $v7)
            (v128.load64_zero align=4
             (local.get $i5)
            )
           )
          )
          (v128.store64_lane offset=16 align=4 0
           (local.get $i1)
           (f32x4.add
            (local.get $v8)
            (v128.load64_zero align=4
             (local.get $i5)
            )
           )
          )
          (v128.store64_lane offset=24 align=4 0
           (local.get $i1)
           (f32x4.add
            (local.get $v9)
            (v128.load64_zero align=4
             (local.get $i5)
            )
           )
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
            (i32.const 80)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 32)
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
           (local.get $i11)
          )
         )
         (then
          (local.set $v3
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $i0
           (local.get $lo)
          )
          (local.set $i10
           (i32.add
            (local.tee $hi
             (local.get $ws)
            )
            (i32.const 160)
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
             (local.get $i10)
             (local.tee $hi
              (i32.add
               (local.get $hi)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store64_lane align=4 0
           (local.get $i1)
           (f32x4.add
            (local.get $v3)
            (v128.load64_zero align=4
             (local.get $i5)
            )
           )
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
            (i32.const 20)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 8)
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
 (func $loss_mse_1_batched_2 (param $n i32) (param $p i32) (param $t i32) (param $out i32) (result f32)
  (local $v0 v128)
  (local $v1 v128)
  (local $i2 i32)
  (local $v3 v128)
  (local $v4 v128)
  (local $f5 f32)
  (local.set $i2
   (i32.shl
    (local.get $n)
    (i32.const 1)
   )
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $i2)
      (i32.const 4)
     )
    )
    (then
     (local.set $v0
      (f64x2.add
       (local.get $v0)
       (f64x2.mul
        (local.tee $v0
         (f64x2.sub
          (f64x2.promote_low_f32x4
           (local.tee $v3
            (v128.load align=4
             (local.get $p)
            )
           )
          )
          (f64x2.promote_low_f32x4
           (local.tee $v4
            (v128.load align=4
             (local.get $t)
            )
           )
          )
         )
        )
        (local.get $v0)
       )
      )
     )
     (local.set $v1
      (f64x2.add
       (local.get $v1)
       (f64x2.mul
        (local.tee $v1
         (f64x2.sub
          (f64x2.promote_low_f32x4
           (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $v3)
            (local.get $v3)
           )
          )
          (f64x2.promote_low_f32x4
           (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $v4)
            (local.get $v4)
           )
          )
         )
        )
        (local.get $v1)
       )
      )
     )
     (local.set $p
      (i32.add
       (local.get $p)
       (i32.const 16)
      )
     )
     (local.set $t
      (i32.add
       (local.get $t)
       (i32.const 16)
      )
     )
     (local.set $i2
      (i32.sub
       (local.get $i2)
       (i32.const 4)
      )
     )
     (br $top1)
    )
   )
  )
  (f32.store
   (local.get $out)
   (local.tee $f5
    (f32.demote_f64
     (f64.div
      (f64x2.extract_lane 0
       (f64x2.add
        (local.tee $v0
         (f64x2.add
          (if (result v128)
           (i32.eq
            (local.get $i2)
            (i32.const 2)
           )
           (then
            (f64x2.add
             (local.get $v0)
             (f64x2.mul
              (local.tee $v0
               (f64x2.sub
                (f64x2.promote_low_f32x4
                 (v128.load64_zero align=4
                  (local.get $p)
                 )
                )
                (f64x2.promote_low_f32x4
                 (v128.load64_zero align=4
                  (local.get $t)
                 )
                )
               )
              )
              (local.get $v0)
             )
            )
           )
           (else
            (local.get $v0)
           )
          )
          (local.get $v1)
         )
        )
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
         (local.get $v0)
         (local.get $v0)
        )
       )
      )
      (f64.convert_i32_s
       (i32.shl
        (local.get $n)
        (i32.const 1)
       )
      )
     )
    )
   )
  )
  (local.get $f5)
 )
 (func $loss_grad_mse_1_batched_2 (param $n i32) (param $dp i32) (param $p i32) (param $t i32) (param $dl i32)
  (local $v0 v128)
  (local.set $v0
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (f64.mul
       (f64.promote_f32
        (f32.load
         (local.get $dl)
        )
       )
       (f64.const 2)
      )
      (f64.convert_i32_s
       (local.tee $n
        (i32.shl
         (local.get $n)
         (i32.const 1)
        )
       )
      )
     )
    )
   )
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $n)
      (i32.const 8)
     )
    )
    (then
     (v128.store align=4
      (local.get $dp)
      (f32x4.mul
       (local.get $v0)
       (f32x4.sub
        (v128.load align=4
         (local.get $p)
        )
        (v128.load align=4
         (local.get $t)
        )
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $dp)
      (f32x4.mul
       (local.get $v0)
       (f32x4.sub
        (v128.load offset=16 align=4
         (local.get $p)
        )
        (v128.load offset=16 align=4
         (local.get $t)
        )
       )
      )
     )
     (local.set $dp
      (i32.add
       (local.get $dp)
       (i32.const 32)
      )
     )
     (local.set $p
      (i32.add
       (local.get $p)
       (i32.const 32)
      )
     )
     (local.set $t
      (i32.add
       (local.get $t)
       (i32.const 32)
      )
     )
     (local.set $n
      (i32.sub
       (local.get $n)
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
      (local.get $n)
      (i32.const 4)
     )
    )
    (then
     (v128.store align=4
      (local.get $dp)
      (f32x4.mul
       (local.get $v0)
       (f32x4.sub
        (v128.load align=4
         (local.get $p)
        )
        (v128.load align=4
         (local.get $t)
        )
       )
      )
     )
     (local.set $dp
      (i32.add
       (local.get $dp)
       (i32.const 16)
      )
     )
     (local.set $p
      (i32.add
       (local.get $p)
       (i32.const 16)
      )
     )
     (local.set $t
      (i32.add
       (local.get $t)
       (i32.const 16)
      )
     )
     (local.set $n
      (i32.sub
       (local.get $n)
       (i32.const 4)
      )
     )
     (br $top3)
    )
   )
  )
  (if
   (i32.eq
    (local.get $n)
    (i32.const 2)
   )
   (then
    (v128.store64_lane align=4 0
     (local.get $dp)
     (f32x4.mul
      (local.get $v0)
      (f32x4.sub
       (v128.load64_zero align=4
        (local.get $p)
       )
       (v128.load64_zero align=4
        (local.get $t)
       )
      )
     )
    )
   )
  )
 )
 (func $gemm_nt_5x2 (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $i1 i32)
  (local $v2 v128)
  (local $i3 i32)
  (local $v4 v128)
  (local $v5 v128)
  (local $i6 i32)
  (local $v7 v128)
  (local $v8 v128)
  (local $v9 v128)
  (local $v10 v128)
  (local $v11 v128)
  (local $v12 v128)
  (local $v13 v128)
  (local $v14 v128)
  (local $i15 i32)
  (local $i16 i32)
  (local $i17 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i17
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
     (local.get $i3)
    )
    (then
     (if
      (i32.gt_s
       (local.get $i17)
       (i32.const 0)
      )
      (then
       (local.set $i16
        (select
         (local.tee $lo
          (i32.add
           (local.get $i3)
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
        (i32.const 2)
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
            (f32.load offset=8
             (local.get $i0)
            )
           )
           (f32.load offset=16
            (local.get $i0)
           )
          )
          (f32.load offset=24
           (local.get $i0)
          )
         )
        )
        (v128.store offset=16
         (local.get $lo)
         (f32x4.replace_lane 0
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          (f32.load offset=32
           (local.get $i0)
          )
         )
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
       (local.set $i6
        (local.get $i3)
       )
       (local.set $lo
        (i32.add
         (local.get $a)
         (i32.shl
          (local.get $i3)
          (i32.const 3)
         )
        )
       )
       (local.set $i1
        (i32.add
         (local.get $c)
         (i32.mul
          (local.get $i3)
          (i32.const 20)
         )
        )
       )
       (loop $top3
        (if
         (i32.eqz
          (i32.lt_s
           (local.get $i16)
           (i32.add
            (local.get $i6)
            (i32.const 4)
           )
          )
         )
         (then
          (local.set $v7
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v8
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v9
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v10
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v11
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
          (local.set $i0
           (local.get $lo)
          )
          (local.set $i15
           (i32.sub
            (local.tee $hi
             (local.get $ws)
            )
            (i32.const -64)
           )
          )
          (loop $k1
           (local.set $v7
            (f32x4.add
             (local.get $v7)
             (f32x4.mul
              (local.tee $v2
               (v128.load32_splat
                (local.get $i0)
               )
              )
              (local.tee $v4
               (v128.load align=4
                (local.get $hi)
               )
              )
             )
            )
           )
           (local.set $v8
            (f32x4.add
             (local.get $v8)
             (f32x4.mul
              (local.get $v2)
              (local.tee $v5
               (v128.load offset=16 align=4
                (local.get $hi)
               )
              )
             )
            )
           )
           (local.set $v9
            (f32x4.add
             (local.get $v9)
             (f32x4.mul
              (local.tee $v2
               (v128.load32_splat offset=8
                (local.get $i0)
               )
              )
              (local.get $v4)
             )
            )
           )
           (local.set $v10
            (f32x4.add
             (local.get $v10)
             (f32x4.mul
              (local.get $v2)
              (local.get $v5)
             )
            )
           )
           (local.set $v11
            (f32x4.add
             (local.get $v11)
             (f32x4.mul
              (local.tee $v2
               (v128.load32_splat offset=16
                (local.get $i0)
               )
              )
              (local.get $v4)
             )
            )
           )
           (local.set $v12
            (f32x4.add
             (local.get $v12)
             (f32x4.mul
              (local.get $v2)
              (local.get $v5)
             )
            )
           )
           (local.set $v13
            (f32x4.add
             (local.get $v13)
             (f32x4.mul
              (local.tee $v2
               (v128.load32_splat offset=24
                (local.get $i0)
               )
              )
              (local.get $v4)
             )
            )
           )
           (local.set $v14
            (f32x4.add
             (local.get $v14)
             (f32x4.mul
              (local.get $v2)
              (local.get $v5)
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
             (local.get $i15)
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
           (local.get $v7)
          )
          (v128.store32_lane offset=16 0
           (local.get $i1)
           (local.get $v8)
          )
          (v128.store offset=20 align=4
           (local.get $i1)
           (local.get $v9)
          )
          (v128.store32_lane offset=36 0
           (local.get $i1)
           (local.get $v10)
          )
          (v128.store offset=40 align=4
           (local.get $i1)
           (local.get $v11)
          )
          (v128.store32_lane offset=56 0
           (local.get $i1)
           (local.get $v12)
          )
          (v128.store offset=60 align=4
           (local.get $i1)
           (local.get $v13)
          )
          (v128.store32_lane offset=76 0
           (local.get $i1)
           (local.get $v14)
          )
          (local.set $i6
           (i32.add
            (local.get $i6)
            (i32.const 4)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 32)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 80)
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
           (local.get $i6)
           (local.get $i16)
          )
         )
         (then
          (local.set $v4
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $v5
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
          )
          (local.set $hi
           (local.get $lo)
          )
          (local.set $i15
           (i32.sub
            (local.tee $i0
             (local.get $ws)
            )
            (i32.const -64)
           )
          )
          (loop $k4
           (local.set $v4
            (f32x4.add
             (local.get $v4)
             (f32x4.mul
              (local.tee $v2
               (v128.load32_splat
                (local.get $hi)
               )
              )
              (v128.load align=4
               (local.get $i0)
              )
             )
            )
           )
           (local.set $v5
            (f32x4.add
             (local.get $v5)
             (f32x4.mul
              (local.get $v2)
              (v128.load offset=16 align=4
               (local.get $i0)
              )
             )
            )
           )
           (local.set $hi
            (i32.add
             (local.get $hi)
             (i32.const 4)
            )
           )
           (br_if $k4
            (i32.ne
             (local.get $i15)
             (local.tee $i0
              (i32.add
               (local.get $i0)
               (i32.const 32)
              )
             )
            )
           )
          )
          (v128.store align=4
           (local.get $i1)
           (local.get $v4)
          )
          (v128.store32_lane offset=16 0
           (local.get $i1)
           (local.get $v5)
          )
          (local.set $i6
           (i32.add
            (local.get $i6)
            (i32.const 1)
           )
          )
          (local.set $lo
           (i32.add
            (local.get $lo)
            (i32.const 8)
           )
          )
          (local.set $i1
           (i32.add
            (local.get $i1)
            (i32.const 20)
           )
          )
          (br $top6)
         )
        )
       )
      )
     )
     (local.set $i3
      (i32.add
       (local.get $i3)
       (i32.const 256)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_tn_5x2 (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $v1 v128)
  (local $v2 v128)
  (local $i3 i32)
  (local $i4 i32)
  (local $i5 i32)
  (local $i6 i32)
  (local $v7 v128)
  (local $v8 v128)
  (local $v9 v128)
  (local $i10 i32)
  (local $i11 i32)
  (local $v12 v128)
  (local $v13 v128)
  (local $v14 v128)
  (local $v15 v128)
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
  (local $i30 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i30
   (i32.shl
    (local.get $lo)
    (i32.const 3)
   )
  )
  (local.set $i29
   (select
    (local.tee $i25
     (select
      (i32.const 2)
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
       (i32.const 2)
      )
     )
    )
    (i32.const 0)
    (i32.lt_s
     (local.get $i25)
     (i32.const 0)
    )
   )
  )
  (loop $top26
   (if
    (i32.eqz
     (i32.ge_s
      (local.get $i21)
      (i32.const 2)
     )
    )
    (then
     (local.set $i24
      (select
       (i32.const 2)
       (local.tee $lo
        (i32.sub
         (i32.const 1)
         (local.get $i21)
        )
       )
       (i32.ge_s
        (local.get $lo)
        (i32.const 2)
       )
      )
     )
     (local.set $i26
      (i32.ge_s
       (i32.add
        (local.get $i21)
        (i32.const 2)
       )
       (i32.const 2)
      )
     )
     (local.set $i18
      (local.get $i30)
     )
     (loop $top24
      (if
       (i32.eqz
        (i32.ge_s
         (local.get $i18)
         (local.get $i25)
        )
       )
       (then
        (local.set $i27
         (select
          (local.tee $lo
           (i32.add
            (local.get $i18)
            (i32.const 8)
           )
          )
          (local.get $i25)
          (i32.lt_s
           (local.get $lo)
           (local.get $i25)
          )
         )
        )
        (local.set $i22
         (i32.const 0)
        )
        (loop $chunk0
         (local.set $i11
          (select
           (i32.const 64)
           (local.tee $lo
            (i32.sub
             (local.get $m)
             (local.get $i22)
            )
           )
           (i32.ge_s
            (local.get $lo)
            (i32.const 64)
           )
          )
         )
         (local.set $i19
          (i32.eqz
           (local.get $i22)
          )
         )
         (local.set $i20
          (i32.ge_s
           (i32.sub
            (local.get $i22)
            (i32.const -64)
           )
           (local.get $m)
          )
         )
         (if
          (i32.and
           (i32.lt_s
            (local.get $i18)
            (local.get $i27)
           )
           (i32.lt_s
            (local.get $i18)
            (local.get $i29)
           )
          )
          (then
           (local.set $i4
            (i32.add
             (local.get $ws)
             (i32.const 2048)
            )
           )
           (local.set $lo
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i22)
                (i32.const 1)
               )
               (local.get $i18)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $ws)
             (i32.const 4096)
            )
           )
           (local.set $i3
            (i32.add
             (local.get $c)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i21)
                (i32.const 3)
               )
               (local.get $i18)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $hi
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i22)
                (i32.const 5)
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
           (if
            (i32.gt_s
             (local.get $i24)
             (i32.const 0)
            )
            (then
             (local.set $v1
              (if (result v128)
               (local.get $i19)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v7
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v8
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v9
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v13
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v14
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v15
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (local.set $v7
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v8
                 (v128.load offset=48
                  (local.get $i0)
                 )
                )
                (local.set $v9
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v13
                 (v128.load offset=80
                  (local.get $i0)
                 )
                )
                (local.set $v14
                 (v128.load offset=96
                  (local.get $i0)
                 )
                )
                (local.set $v15
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
              (local.get $ws)
             )
             (local.set $i6
              (local.get $i4)
             )
             (local.set $i5
              (local.get $hi)
             )
             (if
              (i32.gt_s
               (local.get $i11)
               (i32.const 0)
              )
              (then
               (local.set $i23
                (i32.add
                 (local.get $i4)
                 (i32.shl
                  (local.get $i11)
                  (i32.const 5)
                 )
                )
               )
               (loop $k13
                (v128.store
                 (local.get $i6)
                 (local.tee $v17
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i6)
                 (local.tee $v16
                  (v128.load offset=16 align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i10)
                 (v128.load align=4
                  (local.get $i5)
                 )
                )
                (local.set $v1
                 (f32x4.add
                  (local.get $v1)
                  (f32x4.mul
                   (local.tee $v12
                    (v128.load32_splat
                     (local.get $i5)
                    )
                   )
                   (local.get $v17)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v12)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v7
                 (f32x4.add
                  (local.get $v7)
                  (f32x4.mul
                   (local.tee $v12
                    (v128.load32_splat offset=4
                     (local.get $i5)
                    )
                   )
                   (local.get $v17)
                  )
                 )
                )
                (local.set $v8
                 (f32x4.add
                  (local.get $v8)
                  (f32x4.mul
                   (local.get $v12)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v9
                 (f32x4.add
                  (local.get $v9)
                  (f32x4.mul
                   (local.tee $v12
                    (v128.load32_splat offset=8
                     (local.get $i5)
                    )
                   )
                   (local.get $v17)
                  )
                 )
                )
                (local.set $v13
                 (f32x4.add
                  (local.get $v13)
                  (f32x4.mul
                   (local.get $v12)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v14
                 (f32x4.add
                  (local.get $v14)
                  (f32x4.mul
                   (local.tee $v12
                    (v128.load32_splat offset=12
                     (local.get $i5)
                    )
                   )
                   (local.get $v17)
                  )
                 )
                )
                (local.set $v15
                 (f32x4.add
                  (local.get $v15)
                  (f32x4.mul
                   (local.get $v12)
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
                (local.set $i5
                 (i32.add
                  (local.get $i5)
                  (i32.const 20)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 8)
                 )
                )
                (br_if $k13
                 (i32.ne
                  (local.get $i23)
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
              (local.get $i20)
              (then
               (v128.store align=4
                (local.get $i3)
                (local.get $v1)
               )
               (v128.store offset=16 align=4
                (local.get $i3)
                (local.get $v2)
               )
               (v128.store offset=8 align=4
                (local.get $i3)
                (local.get $v7)
               )
               (v128.store offset=24 align=4
                (local.get $i3)
                (local.get $v8)
               )
               (v128.store offset=16 align=4
                (local.get $i3)
                (local.get $v9)
               )
               (v128.store offset=32 align=4
                (local.get $i3)
                (local.get $v13)
               )
               (v128.store offset=24 align=4
                (local.get $i3)
                (local.get $v14)
               )
               (v128.store offset=40 align=4
                (local.get $i3)
                (local.get $v15)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v1)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v7)
               )
               (v128.store offset=48
                (local.get $i0)
                (local.get $v8)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v9)
               )
               (v128.store offset=80
                (local.get $i0)
                (local.get $v13)
               )
               (v128.store offset=96
                (local.get $i0)
                (local.get $v14)
               )
               (v128.store offset=112
                (local.get $i0)
                (local.get $v15)
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
             (local.set $i3
              (i32.add
               (local.get $i3)
               (i32.const 32)
              )
             )
             (local.set $hi
              (i32.add
               (local.get $hi)
               (i32.const 16)
              )
             )
             (if
              (i32.gt_s
               (local.tee $i23
                (i32.sub
                 (local.get $i24)
                 (i32.const 1)
                )
               )
               (i32.const 0)
              )
              (then
               (loop $n15
                (local.set $v1
                 (if (result v128)
                  (local.get $i19)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v7
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v9
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v13
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v14
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v15
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i0)
                    )
                   )
                   (local.set $v7
                    (v128.load offset=32
                     (local.get $i0)
                    )
                   )
                   (local.set $v8
                    (v128.load offset=48
                     (local.get $i0)
                    )
                   )
                   (local.set $v9
                    (v128.load offset=64
                     (local.get $i0)
                    )
                   )
                   (local.set $v13
                    (v128.load offset=80
                     (local.get $i0)
                    )
                   )
                   (local.set $v14
                    (v128.load offset=96
                     (local.get $i0)
                    )
                   )
                   (local.set $v15
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
                 (local.get $i4)
                )
                (local.set $i5
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i11)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i28
                   (i32.add
                    (local.get $i4)
                    (i32.shl
                     (local.get $i11)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k14
                   (local.set $v17
                    (v128.load
                     (local.get $i6)
                    )
                   )
                   (local.set $v16
                    (v128.load offset=16
                     (local.get $i6)
                    )
                   )
                   (v128.store
                    (local.get $i10)
                    (v128.load align=4
                     (local.get $i5)
                    )
                   )
                   (local.set $v1
                    (f32x4.add
                     (local.get $v1)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat
                        (local.get $i5)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v7
                    (f32x4.add
                     (local.get $v7)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=4
                        (local.get $i5)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v9
                    (f32x4.add
                     (local.get $v9)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=8
                        (local.get $i5)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v13
                    (f32x4.add
                     (local.get $v13)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v14
                    (f32x4.add
                     (local.get $v14)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=12
                        (local.get $i5)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v15
                    (f32x4.add
                     (local.get $v15)
                     (f32x4.mul
                      (local.get $v12)
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
                   (local.set $i5
                    (i32.add
                     (local.get $i5)
                     (i32.const 20)
                    )
                   )
                   (br_if $k14
                    (i32.ne
                     (local.get $i28)
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
                 (local.get $i20)
                 (then
                  (v128.store align=4
                   (local.get $i3)
                   (local.get $v1)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i3)
                   (local.get $v2)
                  )
                  (v128.store offset=8 align=4
                   (local.get $i3)
                   (local.get $v7)
                  )
                  (v128.store offset=24 align=4
                   (local.get $i3)
                   (local.get $v8)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i3)
                   (local.get $v9)
                  )
                  (v128.store offset=32 align=4
                   (local.get $i3)
                   (local.get $v13)
                  )
                  (v128.store offset=24 align=4
                   (local.get $i3)
                   (local.get $v14)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i3)
                   (local.get $v15)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i0)
                   (local.get $v1)
                  )
                  (v128.store offset=16
                   (local.get $i0)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i0)
                   (local.get $v7)
                  )
                  (v128.store offset=48
                   (local.get $i0)
                   (local.get $v8)
                  )
                  (v128.store offset=64
                   (local.get $i0)
                   (local.get $v9)
                  )
                  (v128.store offset=80
                   (local.get $i0)
                   (local.get $v13)
                  )
                  (v128.store offset=96
                   (local.get $i0)
                   (local.get $v14)
                  )
                  (v128.store offset=112
                   (local.get $i0)
                   (local.get $v15)
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
                (local.set $i3
                 (i32.add
                  (local.get $i3)
                  (i32.const 32)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 16)
                 )
                )
                (br_if $n15
                 (i32.gt_s
                  (local.tee $i23
                   (i32.sub
                    (local.get $i23)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                )
               )
              )
             )
             (if
              (local.get $i26)
              (then
               (local.set $v1
                (if (result v128)
                 (local.get $i19)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=16
                    (local.get $i0)
                   )
                  )
                  (v128.load
                   (local.get $i0)
                  )
                 )
                )
               )
               (if
                (i32.gt_s
                 (local.get $i11)
                 (i32.const 0)
                )
                (then
                 (local.set $i5
                  (i32.add
                   (local.get $i4)
                   (i32.shl
                    (local.get $i11)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k16
                  (local.set $v7
                   (v128.load
                    (local.get $i4)
                   )
                  )
                  (local.set $v8
                   (v128.load offset=16
                    (local.get $i4)
                   )
                  )
                  (v128.store
                   (local.get $lo)
                   (v128.load32_zero
                    (local.get $hi)
                   )
                  )
                  (local.set $v1
                   (f32x4.add
                    (local.get $v1)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat
                       (local.get $hi)
                      )
                     )
                     (local.get $v7)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (local.get $v9)
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
                  (local.set $hi
                   (i32.add
                    (local.get $hi)
                    (i32.const 20)
                   )
                  )
                  (br_if $k16
                   (i32.ne
                    (local.get $i5)
                    (local.tee $i4
                     (i32.add
                      (local.get $i4)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i20)
                (then
                 (v128.store align=4
                  (local.get $i3)
                  (local.get $v1)
                 )
                 (v128.store offset=16 align=4
                  (local.get $i3)
                  (local.get $v2)
                 )
                )
                (else
                 (v128.store
                  (local.get $i0)
                  (local.get $v1)
                 )
                 (v128.store offset=16
                  (local.get $i0)
                  (local.get $v2)
                 )
                )
               )
              )
             )
            )
            (else
             (local.set $v1
              (if (result v128)
               (local.get $i19)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (v128.load
                 (local.get $i0)
                )
               )
              )
             )
             (local.set $i5
              (local.get $ws)
             )
             (if
              (i32.gt_s
               (local.get $i11)
               (i32.const 0)
              )
              (then
               (local.set $i6
                (i32.add
                 (local.get $i4)
                 (i32.shl
                  (local.get $i11)
                  (i32.const 5)
                 )
                )
               )
               (loop $k17
                (v128.store
                 (local.get $i4)
                 (local.tee $v7
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i4)
                 (local.tee $v8
                  (v128.load offset=16 align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i5)
                 (v128.load32_zero
                  (local.get $hi)
                 )
                )
                (local.set $v1
                 (f32x4.add
                  (local.get $v1)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat
                     (local.get $hi)
                    )
                   )
                   (local.get $v7)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $i5
                 (i32.add
                  (local.get $i5)
                  (i32.const 16)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 20)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 8)
                 )
                )
                (br_if $k17
                 (i32.ne
                  (local.get $i6)
                  (local.tee $i4
                   (i32.add
                    (local.get $i4)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i20)
              (then
               (v128.store align=4
                (local.get $i3)
                (local.get $v1)
               )
               (v128.store offset=16 align=4
                (local.get $i3)
                (local.get $v2)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v1)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
              )
             )
            )
           )
           (local.set $i10
            (i32.add
             (local.get $i18)
             (i32.const 8)
            )
           )
           (loop $top7
            (if
             (i32.and
              (i32.lt_s
               (local.get $i10)
               (local.get $i27)
              )
              (i32.lt_s
               (local.get $i10)
               (local.get $i29)
              )
             )
             (then
              (local.set $hi
               (i32.add
                (local.get $ws)
                (i32.const 2048)
               )
              )
              (local.set $lo
               (i32.add
                (local.get $b)
                (i32.shl
                 (i32.add
                  (i32.shl
                   (local.get $i22)
                   (i32.const 1)
                  )
                  (local.get $i10)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i6
               (i32.add
                (i32.add
                 (local.get $ws)
                 (i32.const 4096)
                )
                (i32.shl
                 (i32.sub
                  (local.get $i10)
                  (local.get $i18)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i3
               (i32.add
                (local.get $c)
                (i32.shl
                 (i32.add
                  (i32.shl
                   (local.get $i21)
                   (i32.const 3)
                  )
                  (local.get $i10)
                 )
                 (i32.const 2)
                )
               )
              )
              (if
               (i32.gt_s
                (local.get $i24)
                (i32.const 0)
               )
               (then
                (local.set $v1
                 (if (result v128)
                  (local.get $i19)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v7
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v9
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v13
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v14
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v15
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i6)
                    )
                   )
                   (local.set $v7
                    (v128.load offset=32
                     (local.get $i6)
                    )
                   )
                   (local.set $v8
                    (v128.load offset=48
                     (local.get $i6)
                    )
                   )
                   (local.set $v9
                    (v128.load offset=64
                     (local.get $i6)
                    )
                   )
                   (local.set $v13
                    (v128.load offset=80
                     (local.get $i6)
                    )
                   )
                   (local.set $v14
                    (v128.load offset=96
                     (local.get $i6)
                    )
                   )
                   (local.set $v15
                    (v128.load offset=112
                     (local.get $i6)
                    )
                   )
                   (v128.load
                    (local.get $i6)
                   )
                  )
                 )
                )
                (local.set $i4
                 (local.get $ws)
                )
                (local.set $i5
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i11)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i0
                   (i32.add
                    (local.get $hi)
                    (i32.shl
                     (local.get $i11)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k1
                   (v128.store
                    (local.get $i5)
                    (local.tee $v17
                     (v128.load align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (v128.store offset=16
                    (local.get $i5)
                    (local.tee $v16
                     (v128.load offset=16 align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (local.set $v1
                    (f32x4.add
                     (local.get $v1)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat
                        (local.get $i4)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v7
                    (f32x4.add
                     (local.get $v7)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=4
                        (local.get $i4)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v9
                    (f32x4.add
                     (local.get $v9)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=8
                        (local.get $i4)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v13
                    (f32x4.add
                     (local.get $v13)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v14
                    (f32x4.add
                     (local.get $v14)
                     (f32x4.mul
                      (local.tee $v12
                       (v128.load32_splat offset=12
                        (local.get $i4)
                       )
                      )
                      (local.get $v17)
                     )
                    )
                   )
                   (local.set $v15
                    (f32x4.add
                     (local.get $v15)
                     (f32x4.mul
                      (local.get $v12)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $i4
                    (i32.add
                     (local.get $i4)
                     (i32.const 16)
                    )
                   )
                   (local.set $lo
                    (i32.add
                     (local.get $lo)
                     (i32.const 8)
                    )
                   )
                   (br_if $k1
                    (i32.ne
                     (local.get $i0)
                     (local.tee $i5
                      (i32.add
                       (local.get $i5)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i20)
                 (then
                  (v128.store align=4
                   (local.get $i3)
                   (local.get $v1)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i3)
                   (local.get $v2)
                  )
                  (v128.store offset=8 align=4
                   (local.get $i3)
                   (local.get $v7)
                  )
                  (v128.store offset=24 align=4
                   (local.get $i3)
                   (local.get $v8)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i3)
                   (local.get $v9)
                  )
                  (v128.store offset=32 align=4
                   (local.get $i3)
                   (local.get $v13)
                  )
                  (v128.store offset=24 align=4
                   (local.get $i3)
                   (local.get $v14)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i3)
                   (local.get $v15)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i6)
                   (local.get $v1)
                  )
                  (v128.store offset=16
                   (local.get $i6)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i6)
                   (local.get $v7)
                  )
                  (v128.store offset=48
                   (local.get $i6)
                   (local.get $v8)
                  )
                  (v128.store offset=64
                   (local.get $i6)
                   (local.get $v9)
                  )
                  (v128.store offset=80
                   (local.get $i6)
                   (local.get $v13)
                  )
                  (v128.store offset=96
                   (local.get $i6)
                   (local.get $v14)
                  )
                  (v128.store offset=112
                   (local.get $i6)
                   (local.get $v15)
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
                  (local.get $i6)
                  (i32.const 128)
                 )
                )
                (local.set $i3
                 (i32.add
                  (local.get $i3)
                  (i32.const 32)
                 )
                )
                (if
                 (i32.gt_s
                  (local.tee $i6
                   (i32.sub
                    (local.get $i24)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                 (then
                  (loop $n3
                   (local.set $v1
                    (if (result v128)
                     (local.get $i19)
                     (then
                      (local.set $v2
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v7
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v8
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v9
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v13
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v14
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v15
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (else
                      (local.set $v2
                       (v128.load offset=16
                        (local.get $i0)
                       )
                      )
                      (local.set $v7
                       (v128.load offset=32
                        (local.get $i0)
                       )
                      )
                      (local.set $v8
                       (v128.load offset=48
                        (local.get $i0)
                       )
                      )
                      (local.set $v9
                       (v128.load offset=64
                        (local.get $i0)
                       )
                      )
                      (local.set $v13
                       (v128.load offset=80
                        (local.get $i0)
                       )
                      )
                      (local.set $v14
                       (v128.load offset=96
                        (local.get $i0)
                       )
                      )
                      (local.set $v15
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
                   (local.set $i4
                    (local.get $lo)
                   )
                   (local.set $i5
                    (local.get $hi)
                   )
                   (if
                    (i32.gt_s
                     (local.get $i11)
                     (i32.const 0)
                    )
                    (then
                     (local.set $i23
                      (i32.add
                       (local.get $hi)
                       (i32.shl
                        (local.get $i11)
                        (i32.const 5)
                       )
                      )
                     )
                     (loop $k2
                      (local.set $v1
                       (f32x4.add
                        (local.get $v1)
                        (f32x4.mul
                         (local.tee $v16
                          (v128.load32_splat
                           (local.get $i4)
                          )
                         )
                         (local.tee $v17
                          (v128.load
                           (local.get $i5)
                          )
                         )
                        )
                       )
                      )
                      (local.set $v2
                       (f32x4.add
                        (local.get $v2)
                        (f32x4.mul
                         (local.get $v16)
                         (local.tee $v16
                          (v128.load offset=16
                           (local.get $i5)
                          )
                         )
                        )
                       )
                      )
                      (local.set $v7
                       (f32x4.add
                        (local.get $v7)
                        (f32x4.mul
                         (local.tee $v12
                          (v128.load32_splat offset=4
                           (local.get $i4)
                          )
                         )
                         (local.get $v17)
                        )
                       )
                      )
                      (local.set $v8
                       (f32x4.add
                        (local.get $v8)
                        (f32x4.mul
                         (local.get $v12)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $v9
                       (f32x4.add
                        (local.get $v9)
                        (f32x4.mul
                         (local.tee $v12
                          (v128.load32_splat offset=8
                           (local.get $i4)
                          )
                         )
                         (local.get $v17)
                        )
                       )
                      )
                      (local.set $v13
                       (f32x4.add
                        (local.get $v13)
                        (f32x4.mul
                         (local.get $v12)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $v14
                       (f32x4.add
                        (local.get $v14)
                        (f32x4.mul
                         (local.tee $v12
                          (v128.load32_splat offset=12
                           (local.get $i4)
                          )
                         )
                         (local.get $v17)
                        )
                       )
                      )
                      (local.set $v15
                       (f32x4.add
                        (local.get $v15)
                        (f32x4.mul
                         (local.get $v12)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $i4
                       (i32.add
                        (local.get $i4)
                        (i32.const 16)
                       )
                      )
                      (br_if $k2
                       (i32.ne
                        (local.get $i23)
                        (local.tee $i5
                         (i32.add
                          (local.get $i5)
                          (i32.const 32)
                         )
                        )
                       )
                      )
                     )
                    )
                   )
                   (if
                    (local.get $i20)
                    (then
                     (v128.store align=4
                      (local.get $i3)
                      (local.get $v1)
                     )
                     (v128.store offset=16 align=4
                      (local.get $i3)
                      (local.get $v2)
                     )
                     (v128.store offset=8 align=4
                      (local.get $i3)
                      (local.get $v7)
                     )
                     (v128.store offset=24 align=4
                      (local.get $i3)
                      (local.get $v8)
                     )
                     (v128.store offset=16 align=4
                      (local.get $i3)
                      (local.get $v9)
                     )
                     (v128.store offset=32 align=4
                      (local.get $i3)
                      (local.get $v13)
                     )
                     (v128.store offset=24 align=4
                      (local.get $i3)
                      (local.get $v14)
                     )
                     (v128.store offset=40 align=4
                      (local.get $i3)
                      (local.get $v15)
                     )
                    )
                    (else
                     (v128.store
                      (local.get $i0)
                      (local.get $v1)
                     )
                     (v128.store offset=16
                      (local.get $i0)
                      (local.get $v2)
                     )
                     (v128.store offset=32
                      (local.get $i0)
                      (local.get $v7)
                     )
                     (v128.store offset=48
                      (local.get $i0)
                      (local.get $v8)
                     )
                     (v128.store offset=64
                      (local.get $i0)
                      (local.get $v9)
                     )
                     (v128.store offset=80
                      (local.get $i0)
                      (local.get $v13)
                     )
                     (v128.store offset=96
                      (local.get $i0)
                      (local.get $v14)
                     )
                     (v128.store offset=112
                      (local.get $i0)
                      (local.get $v15)
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
                   (local.set $i3
                    (i32.add
                     (local.get $i3)
                     (i32.const 32)
                    )
                   )
                   (br_if $n3
                    (i32.gt_s
                     (local.tee $i6
                      (i32.sub
                       (local.get $i6)
                       (i32.const 1)
                      )
                     )
                     (i32.const 0)
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i26)
                 (then
                  (local.set $v1
                   (if (result v128)
                    (local.get $i19)
                    (then
                     (local.set $v2
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (else
                     (local.set $v2
                      (v128.load offset=16
                       (local.get $i0)
                      )
                     )
                     (v128.load
                      (local.get $i0)
                     )
                    )
                   )
                  )
                  (if
                   (i32.gt_s
                    (local.get $i11)
                    (i32.const 0)
                   )
                   (then
                    (local.set $i4
                     (i32.add
                      (local.get $hi)
                      (i32.shl
                       (local.get $i11)
                       (i32.const 5)
                      )
                     )
                    )
                    (loop $k4
                     (local.set $v1
                      (f32x4.add
                       (local.get $v1)
                       (f32x4.mul
                        (local.tee $v7
                         (v128.load32_splat
                          (local.get $lo)
                         )
                        )
                        (v128.load
                         (local.get $hi)
                        )
                       )
                      )
                     )
                     (local.set $v2
                      (f32x4.add
                       (local.get $v2)
                       (f32x4.mul
                        (local.get $v7)
                        (v128.load offset=16
                         (local.get $hi)
                        )
                       )
                      )
                     )
                     (local.set $lo
                      (i32.add
                       (local.get $lo)
                       (i32.const 16)
                      )
                     )
                     (br_if $k4
                      (i32.ne
                       (local.get $i4)
                       (local.tee $hi
                        (i32.add
                         (local.get $hi)
                         (i32.const 32)
                        )
                       )
                      )
                     )
                    )
                   )
                  )
                  (if
                   (local.get $i20)
                   (then
                    (v128.store align=4
                     (local.get $i3)
                     (local.get $v1)
                    )
                    (v128.store offset=16 align=4
                     (local.get $i3)
                     (local.get $v2)
                    )
                   )
                   (else
                    (v128.store
                     (local.get $i0)
                     (local.get $v1)
                    )
                    (v128.store offset=16
                     (local.get $i0)
                     (local.get $v2)
                    )
                   )
                  )
                 )
                )
               )
               (else
                (local.set $v1
                 (if (result v128)
                  (local.get $i19)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i6)
                    )
                   )
                   (v128.load
                    (local.get $i6)
                   )
                  )
                 )
                )
                (local.set $i4
                 (local.get $ws)
                )
                (if
                 (i32.gt_s
                  (local.get $i11)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i5
                   (i32.add
                    (local.get $hi)
                    (i32.shl
                     (local.get $i11)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k5
                   (v128.store
                    (local.get $hi)
                    (local.tee $v7
                     (v128.load align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (v128.store offset=16
                    (local.get $hi)
                    (local.tee $v8
                     (v128.load offset=16 align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (local.set $v1
                    (f32x4.add
                     (local.get $v1)
                     (f32x4.mul
                      (local.tee $v9
                       (v128.load32_splat
                        (local.get $i4)
                       )
                      )
                      (local.get $v7)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v9)
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $i4
                    (i32.add
                     (local.get $i4)
                     (i32.const 16)
                    )
                   )
                   (local.set $lo
                    (i32.add
                     (local.get $lo)
                     (i32.const 8)
                    )
                   )
                   (br_if $k5
                    (i32.ne
                     (local.get $i5)
                     (local.tee $hi
                      (i32.add
                       (local.get $hi)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i20)
                 (then
                  (v128.store align=4
                   (local.get $i3)
                   (local.get $v1)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i3)
                   (local.get $v2)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i6)
                   (local.get $v1)
                  )
                  (v128.store offset=16
                   (local.get $i6)
                   (local.get $v2)
                  )
                 )
                )
               )
              )
              (local.set $i10
               (i32.add
                (local.get $i10)
                (i32.const 8)
               )
              )
              (br $top7)
             )
            )
           )
           (if
            (i32.lt_s
             (local.get $i10)
             (local.get $i27)
            )
            (then
             (local.set $hi
              (i32.add
               (local.get $ws)
               (i32.const 2048)
              )
             )
             (local.set $lo
              (i32.add
               (local.get $b)
               (i32.shl
                (i32.add
                 (i32.shl
                  (local.get $i22)
                  (i32.const 1)
                 )
                 (local.get $i10)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i6
              (i32.add
               (i32.add
                (local.get $ws)
                (i32.const 4096)
               )
               (i32.shl
                (i32.sub
                 (local.get $i10)
                 (local.get $i18)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i10
              (i32.add
               (local.get $c)
               (i32.shl
                (i32.add
                 (i32.shl
                  (local.get $i21)
                  (i32.const 3)
                 )
                 (local.get $i10)
                )
                (i32.const 2)
               )
              )
             )
             (if
              (i32.gt_s
               (local.get $i24)
               (i32.const 0)
              )
              (then
               (local.set $v1
                (if (result v128)
                 (local.get $i19)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v7
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v8
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=32
                    (local.get $i6)
                   )
                  )
                  (local.set $v7
                   (v128.load offset=64
                    (local.get $i6)
                   )
                  )
                  (local.set $v8
                   (v128.load offset=96
                    (local.get $i6)
                   )
                  )
                  (v128.load
                   (local.get $i6)
                  )
                 )
                )
               )
               (local.set $i4
                (local.get $ws)
               )
               (local.set $i5
                (local.get $hi)
               )
               (if
                (i32.gt_s
                 (local.get $i11)
                 (i32.const 0)
                )
                (then
                 (local.set $i0
                  (i32.add
                   (local.get $hi)
                   (i32.shl
                    (local.get $i11)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k8
                  (v128.store
                   (local.get $i5)
                   (local.tee $v9
                    (v128.load64_zero align=4
                     (local.get $lo)
                    )
                   )
                  )
                  (local.set $v1
                   (f32x4.add
                    (local.get $v1)
                    (f32x4.mul
                     (v128.load32_splat
                      (local.get $i4)
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (v128.load32_splat offset=4
                      (local.get $i4)
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v7
                   (f32x4.add
                    (local.get $v7)
                    (f32x4.mul
                     (v128.load32_splat offset=8
                      (local.get $i4)
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v8
                   (f32x4.add
                    (local.get $v8)
                    (f32x4.mul
                     (v128.load32_splat offset=12
                      (local.get $i4)
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $i4
                   (i32.add
                    (local.get $i4)
                    (i32.const 16)
                   )
                  )
                  (local.set $lo
                   (i32.add
                    (local.get $lo)
                    (i32.const 8)
                   )
                  )
                  (br_if $k8
                   (i32.ne
                    (local.get $i0)
                    (local.tee $i5
                     (i32.add
                      (local.get $i5)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i20)
                (then
                 (v128.store64_lane align=4 0
                  (local.get $i10)
                  (local.get $v1)
                 )
                 (v128.store64_lane offset=8 align=4 0
                  (local.get $i10)
                  (local.get $v2)
                 )
                 (v128.store64_lane offset=16 align=4 0
                  (local.get $i10)
                  (local.get $v7)
                 )
                 (v128.store64_lane offset=24 align=4 0
                  (local.get $i10)
                  (local.get $v8)
                 )
                )
                (else
                 (v128.store
                  (local.get $i6)
                  (local.get $v1)
                 )
                 (v128.store offset=32
                  (local.get $i6)
                  (local.get $v2)
                 )
                 (v128.store offset=64
                  (local.get $i6)
                  (local.get $v7)
                 )
                 (v128.store offset=96
                  (local.get $i6)
                  (local.get $v8)
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
                 (local.get $i6)
                 (i32.const 128)
                )
               )
               (local.set $i3
                (i32.add
                 (local.get $i10)
                 (i32.const 32)
                )
               )
               (if
                (i32.gt_s
                 (local.tee $i6
                  (i32.sub
                   (local.get $i24)
                   (i32.const 1)
                  )
                 )
                 (i32.const 0)
                )
                (then
                 (loop $n10
                  (local.set $v1
                   (if (result v128)
                    (local.get $i19)
                    (then
                     (local.set $v2
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v7
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v8
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (else
                     (local.set $v2
                      (v128.load offset=32
                       (local.get $i0)
                      )
                     )
                     (local.set $v7
                      (v128.load offset=64
                       (local.get $i0)
                      )
                     )
                     (local.set $v8
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
                  (local.set $i4
                   (local.get $lo)
                  )
                  (local.set $i5
                   (local.get $hi)
                  )
                  (if
                   (i32.gt_s
                    (local.get $i11)
                    (i32.const 0)
                   )
                   (then
                    (local.set $i10
                     (i32.add
                      (local.get $hi)
                      (i32.shl
                       (local.get $i11)
                       (i32.const 5)
                      )
                     )
                    )
                    (loop $k9
                     (local.set $v1
                      (f32x4.add
                       (local.get $v1)
                       (f32x4.mul
                        (v128.load32_splat
                         (local.get $i4)
                        )
                        (local.tee $v9
                         (v128.load
                          (local.get $i5)
                         )
                        )
                       )
                      )
                     )
                     (local.set $v2
                      (f32x4.add
                       (local.get $v2)
                       (f32x4.mul
                        (v128.load32_splat offset=4
                         (local.get $i4)
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $v7
                      (f32x4.add
                       (local.get $v7)
                       (f32x4.mul
                        (v128.load32_splat offset=8
                         (local.get $i4)
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $v8
                      (f32x4.add
                       (local.get $v8)
                       (f32x4.mul
                        (v128.load32_splat offset=12
                         (local.get $i4)
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $i4
                      (i32.add
                       (local.get $i4)
                       (i32.const 16)
                      )
                     )
                     (br_if $k9
                      (i32.ne
                       (local.get $i10)
                       (local.tee $i5
                        (i32.add
                         (local.get $i5)
                         (i32.const 32)
                        )
                       )
                      )
                     )
                    )
                   )
                  )
                  (if
                   (local.get $i20)
                   (then
                    (v128.store64_lane align=4 0
                     (local.get $i3)
                     (local.get $v1)
                    )
                    (v128.store64_lane offset=8 align=4 0
                     (local.get $i3)
                     (local.get $v2)
                    )
                    (v128.store64_lane offset=16 align=4 0
                     (local.get $i3)
                     (local.get $v7)
                    )
                    (v128.store64_lane offset=24 align=4 0
                     (local.get $i3)
                     (local.get $v8)
                    )
                   )
                   (else
                    (v128.store
                     (local.get $i0)
                     (local.get $v1)
                    )
                    (v128.store offset=32
                     (local.get $i0)
                     (local.get $v2)
                    )
                    (v128.store offset=64
                     (local.get $i0)
                     (local.get $v7)
                    )
                    (v128.store offset=96
                     (local.get $i0)
                     (local.get $v8)
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
                  (local.set $i3
                   (i32.add
                    (local.get $i3)
                    (i32.const 32)
                   )
                  )
                  (br_if $n10
                   (i32.gt_s
                    (local.tee $i6
                     (i32.sub
                      (local.get $i6)
                      (i32.const 1)
                     )
                    )
                    (i32.const 0)
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i26)
                (then
                 (local.set $v1
                  (if (result v128)
                   (local.get $i19)
                   (then
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (else
                    (v128.load
                     (local.get $i0)
                    )
                   )
                  )
                 )
                 (if
                  (i32.gt_s
                   (local.get $i11)
                   (i32.const 0)
                  )
                  (then
                   (local.set $i4
                    (i32.add
                     (local.get $hi)
                     (i32.shl
                      (local.get $i11)
                      (i32.const 5)
                     )
                    )
                   )
                   (loop $k11
                    (local.set $v1
                     (f32x4.add
                      (local.get $v1)
                      (f32x4.mul
                       (v128.load32_splat
                        (local.get $lo)
                       )
                       (v128.load
                        (local.get $hi)
                       )
                      )
                     )
                    )
                    (local.set $lo
                     (i32.add
                      (local.get $lo)
                      (i32.const 16)
                     )
                    )
                    (br_if $k11
                     (i32.ne
                      (local.get $i4)
                      (local.tee $hi
                       (i32.add
                        (local.get $hi)
                        (i32.const 32)
                       )
                      )
                     )
                    )
                   )
                  )
                 )
                 (if
                  (local.get $i20)
                  (then
                   (v128.store64_lane align=4 0
                    (local.get $i3)
                    (local.get $v1)
                   )
                  )
                  (else
                   (v128.store
                    (local.get $i0)
                    (local.get $v1)
                   )
                  )
                 )
                )
               )
              )
              (else
               (local.set $v1
                (if (result v128)
                 (local.get $i19)
                 (then
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (v128.load
                   (local.get $i6)
                  )
                 )
                )
               )
               (local.set $i4
                (local.get $ws)
               )
               (if
                (i32.gt_s
                 (local.get $i11)
                 (i32.const 0)
                )
                (then
                 (local.set $i5
                  (i32.add
                   (local.get $hi)
                   (i32.shl
                    (local.get $i11)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k12
                  (v128.store
                   (local.get $hi)
                   (local.tee $v2
                    (v128.load64_zero align=4
                     (local.get $lo)
                    )
                   )
                  )
                  (local.set $v1
                   (f32x4.add
                    (local.get $v1)
                    (f32x4.mul
                     (v128.load32_splat
                      (local.get $i4)
                     )
                     (local.get $v2)
                    )
                   )
                  )
                  (local.set $i4
                   (i32.add
                    (local.get $i4)
                    (i32.const 16)
                   )
                  )
                  (local.set $lo
                   (i32.add
                    (local.get $lo)
                    (i32.const 8)
                   )
                  )
                  (br_if $k12
                   (i32.ne
                    (local.get $i5)
                    (local.tee $hi
                     (i32.add
                      (local.get $hi)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i20)
                (then
                 (v128.store64_lane align=4 0
                  (local.get $i10)
                  (local.get $v1)
                 )
                )
                (else
                 (v128.store
                  (local.get $i6)
                  (local.get $v1)
                 )
                )
               )
              )
             )
            )
           )
          )
          (else
           (local.set $i4
            (i32.add
             (local.get $ws)
             (i32.const 2048)
            )
           )
           (local.set $lo
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i22)
                (i32.const 1)
               )
               (local.get $i18)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $i0
            (i32.add
             (local.get $ws)
             (i32.const 4096)
            )
           )
           (local.set $i3
            (i32.add
             (local.get $c)
             (i32.shl
              (i32.add
               (i32.shl
                (local.get $i21)
                (i32.const 3)
               )
               (local.get $i18)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $hi
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i22)
                (i32.const 5)
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
           (if
            (i32.gt_s
             (local.get $i24)
             (i32.const 0)
            )
            (then
             (local.set $v1
              (if (result v128)
               (local.get $i19)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v7
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v8
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v7
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v8
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
             (local.set $i10
              (local.get $i4)
             )
             (local.set $i5
              (local.get $hi)
             )
             (if
              (i32.gt_s
               (local.get $i11)
               (i32.const 0)
              )
              (then
               (local.set $i23
                (i32.add
                 (local.get $i4)
                 (i32.shl
                  (local.get $i11)
                  (i32.const 5)
                 )
                )
               )
               (loop $k18
                (v128.store
                 (local.get $i10)
                 (local.tee $v9
                  (v128.load64_zero align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i6)
                 (v128.load align=4
                  (local.get $i5)
                 )
                )
                (local.set $v1
                 (f32x4.add
                  (local.get $v1)
                  (f32x4.mul
                   (v128.load32_splat
                    (local.get $i5)
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (v128.load32_splat offset=4
                    (local.get $i5)
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v7
                 (f32x4.add
                  (local.get $v7)
                  (f32x4.mul
                   (v128.load32_splat offset=8
                    (local.get $i5)
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v8
                 (f32x4.add
                  (local.get $v8)
                  (f32x4.mul
                   (v128.load32_splat offset=12
                    (local.get $i5)
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $i6
                 (i32.add
                  (local.get $i6)
                  (i32.const 16)
                 )
                )
                (local.set $i5
                 (i32.add
                  (local.get $i5)
                  (i32.const 20)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 8)
                 )
                )
                (br_if $k18
                 (i32.ne
                  (local.get $i23)
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
              (local.get $i20)
              (then
               (v128.store64_lane align=4 0
                (local.get $i3)
                (local.get $v1)
               )
               (v128.store64_lane offset=8 align=4 0
                (local.get $i3)
                (local.get $v2)
               )
               (v128.store64_lane offset=16 align=4 0
                (local.get $i3)
                (local.get $v7)
               )
               (v128.store64_lane offset=24 align=4 0
                (local.get $i3)
                (local.get $v8)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v1)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v7)
               )
               (v128.store offset=96
                (local.get $i0)
                (local.get $v8)
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
             (local.set $i3
              (i32.add
               (local.get $i3)
               (i32.const 32)
              )
             )
             (local.set $hi
              (i32.add
               (local.get $hi)
               (i32.const 16)
              )
             )
             (if
              (i32.gt_s
               (local.tee $i23
                (i32.sub
                 (local.get $i24)
                 (i32.const 1)
                )
               )
               (i32.const 0)
              )
              (then
               (loop $n20
                (local.set $v1
                 (if (result v128)
                  (local.get $i19)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v7
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=32
                     (local.get $i0)
                    )
                   )
                   (local.set $v7
                    (v128.load offset=64
                     (local.get $i0)
                    )
                   )
                   (local.set $v8
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
                 (local.get $lo)
                )
                (local.set $i10
                 (local.get $i4)
                )
                (local.set $i5
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i11)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i28
                   (i32.add
                    (local.get $i4)
                    (i32.shl
                     (local.get $i11)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k19
                   (local.set $v9
                    (v128.load
                     (local.get $i10)
                    )
                   )
                   (v128.store
                    (local.get $i6)
                    (v128.load align=4
                     (local.get $i5)
                    )
                   )
                   (local.set $v1
                    (f32x4.add
                     (local.get $v1)
                     (f32x4.mul
                      (v128.load32_splat
                       (local.get $i5)
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (v128.load32_splat offset=4
                       (local.get $i5)
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v7
                    (f32x4.add
                     (local.get $v7)
                     (f32x4.mul
                      (v128.load32_splat offset=8
                       (local.get $i5)
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (v128.load32_splat offset=12
                       (local.get $i5)
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $i6
                    (i32.add
                     (local.get $i6)
                     (i32.const 16)
                    )
                   )
                   (local.set $i5
                    (i32.add
                     (local.get $i5)
                     (i32.const 20)
                    )
                   )
                   (br_if $k19
                    (i32.ne
                     (local.get $i28)
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
                 (local.get $i20)
                 (then
                  (v128.store64_lane align=4 0
                   (local.get $i3)
                   (local.get $v1)
                  )
                  (v128.store64_lane offset=8 align=4 0
                   (local.get $i3)
                   (local.get $v2)
                  )
                  (v128.store64_lane offset=16 align=4 0
                   (local.get $i3)
                   (local.get $v7)
                  )
                  (v128.store64_lane offset=24 align=4 0
                   (local.get $i3)
                   (local.get $v8)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i0)
                   (local.get $v1)
                  )
                  (v128.store offset=32
                   (local.get $i0)
                   (local.get $v2)
                  )
                  (v128.store offset=64
                   (local.get $i0)
                   (local.get $v7)
                  )
                  (v128.store offset=96
                   (local.get $i0)
                   (local.get $v8)
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
                (local.set $i3
                 (i32.add
                  (local.get $i3)
                  (i32.const 32)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 16)
                 )
                )
                (br_if $n20
                 (i32.gt_s
                  (local.tee $i23
                   (i32.sub
                    (local.get $i23)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                )
               )
              )
             )
             (if
              (local.get $i26)
              (then
               (local.set $v1
                (if (result v128)
                 (local.get $i19)
                 (then
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (v128.load
                   (local.get $i0)
                  )
                 )
                )
               )
               (if
                (i32.gt_s
                 (local.get $i11)
                 (i32.const 0)
                )
                (then
                 (local.set $i5
                  (i32.add
                   (local.get $i4)
                   (i32.shl
                    (local.get $i11)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k21
                  (local.set $v2
                   (v128.load
                    (local.get $i4)
                   )
                  )
                  (v128.store
                   (local.get $lo)
                   (v128.load32_zero
                    (local.get $hi)
                   )
                  )
                  (local.set $v1
                   (f32x4.add
                    (local.get $v1)
                    (f32x4.mul
                     (v128.load32_splat
                      (local.get $hi)
                     )
                     (local.get $v2)
                    )
                   )
                  )
                  (local.set $lo
                   (i32.add
                    (local.get $lo)
                    (i32.const 16)
                   )
                  )
                  (local.set $hi
                   (i32.add
                    (local.get $hi)
                    (i32.const 20)
                   )
                  )
                  (br_if $k21
                   (i32.ne
                    (local.get $i5)
                    (local.tee $i4
                     (i32.add
                      (local.get $i4)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i20)
                (then
                 (v128.store64_lane align=4 0
                  (local.get $i3)
                  (local.get $v1)
                 )
                )
                (else
                 (v128.store
                  (local.get $i0)
                  (local.get $v1)
                 )
                )
               )
              )
             )
            )
            (else
             (local.set $v1
              (if (result v128)
               (local.get $i19)
               (then
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (v128.load
                 (local.get $i0)
                )
               )
              )
             )
             (local.set $i5
              (local.get $ws)
             )
             (if
              (i32.gt_s
               (local.get $i11)
               (i32.const 0)
              )
              (then
               (local.set $i6
                (i32.add
                 (local.get $i4)
                 (i32.shl
                  (local.get $i11)
                  (i32.const 5)
                 )
                )
               )
               (loop $k22
                (v128.store
                 (local.get $i4)
                 (local.tee $v2
                  (v128.load64_zero align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i5)
                 (v128.load32_zero
                  (local.get $hi)
                 )
                )
                (local.set $v1
                 (f32x4.add
                  (local.get $v1)
                  (f32x4.mul
                   (v128.load32_splat
                    (local.get $hi)
                   )
                   (local.get $v2)
                  )
                 )
                )
                (local.set $i5
                 (i32.add
                  (local.get $i5)
                  (i32.const 16)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 20)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 8)
                 )
                )
                (br_if $k22
                 (i32.ne
                  (local.get $i6)
                  (local.tee $i4
                   (i32.add
                    (local.get $i4)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i20)
              (then
               (v128.store64_lane align=4 0
                (local.get $i3)
                (local.get $v1)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v1)
               )
              )
             )
            )
           )
          )
         )
         (br_if $chunk0
          (i32.lt_s
           (local.tee $i22
            (i32.sub
             (local.get $i22)
             (i32.const -64)
            )
           )
           (local.get $m)
          )
         )
        )
        (local.set $i18
         (i32.add
          (local.get $i18)
          (i32.const 8)
         )
        )
        (br $top24)
       )
      )
     )
     (local.set $i21
      (i32.add
       (local.get $i21)
       (i32.const 2)
      )
     )
     (br $top26)
    )
   )
  )
 )
 (func $sum_rows_1_batched_2 (param $n i32) (param $out i32) (param $dy i32)
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
       (v128.load64_zero align=4
        (local.get $dy)
       )
      )
     )
     (local.set $dy
      (i32.add
       (local.get $dy)
       (i32.const 8)
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
 )
 (func $act_bias_relu_grad_1_batched_5 (param $n i32) (param $dx i32) (param $dy i32) (param $y i32) (param $db i32)
  (local $v0 v128)
  (v128.store align=4
   (local.get $db)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (v128.store32_lane offset=16 0
   (local.get $db)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $n)
      (i32.const 0)
     )
    )
    (then
     (v128.store align=4
      (local.get $dx)
      (local.tee $v0
       (v128.and
        (v128.load align=4
         (local.get $dy)
        )
        (f32x4.gt
         (v128.load align=4
          (local.get $y)
         )
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $db)
      (f32x4.add
       (v128.load align=4
        (local.get $db)
       )
       (local.get $v0)
      )
     )
     (v128.store32_lane offset=16 0
      (local.get $dx)
      (local.tee $v0
       (v128.and
        (v128.load32_zero offset=16
         (local.get $dy)
        )
        (f32x4.gt
         (v128.load32_zero offset=16
          (local.get $y)
         )
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
       )
      )
     )
     (v128.store32_lane offset=16 0
      (local.get $db)
      (f32x4.add
       (v128.load32_zero offset=16
        (local.get $db)
       )
       (local.get $v0)
      )
     )
     (local.set $dx
      (i32.add
       (local.get $dx)
       (i32.const 20)
      )
     )
     (local.set $dy
      (i32.add
       (local.get $dy)
       (i32.const 20)
      )
     )
     (local.set $y
      (i32.add
       (local.get $y)
       (i32.const 20)
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
 (func $gemm_tn_3x5 (param $m i32) (param $a i32) (param $b i32) (param $c i32) (param $ws i32) (param $lo i32) (param $hi i32)
  (local $i0 i32)
  (local $i1 i32)
  (local $v2 v128)
  (local $v3 v128)
  (local $v4 v128)
  (local $v5 v128)
  (local $v6 v128)
  (local $i7 i32)
  (local $v8 v128)
  (local $v9 v128)
  (local $v10 v128)
  (local $v11 v128)
  (local $i12 i32)
  (local $i13 i32)
  (local $v14 v128)
  (local $i15 i32)
  (local $v16 v128)
  (local $i17 i32)
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
  (local $i30 i32)
  (local.set $ws
   (i32.and
    (i32.add
     (local.get $ws)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $i30
   (i32.shl
    (local.get $lo)
    (i32.const 3)
   )
  )
  (local.set $i29
   (select
    (local.tee $i25
     (select
      (i32.const 5)
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
       (i32.const 5)
      )
     )
    )
    (i32.const 0)
    (i32.lt_s
     (local.get $i25)
     (i32.const 0)
    )
   )
  )
  (loop $top26
   (if
    (i32.eqz
     (i32.gt_s
      (local.get $i22)
      (i32.const 0)
     )
    )
    (then
     (local.set $i24
      (select
       (i32.const 1)
       (local.tee $lo
        (i32.sub
         (i32.const 0)
         (local.get $i22)
        )
       )
       (i32.gt_s
        (local.get $lo)
        (i32.const 0)
       )
      )
     )
     (local.set $i26
      (i32.gt_s
       (i32.add
        (local.get $i22)
        (i32.const 1)
       )
       (i32.const 0)
      )
     )
     (local.set $i19
      (local.get $i30)
     )
     (loop $top24
      (if
       (i32.eqz
        (i32.ge_s
         (local.get $i19)
         (local.get $i25)
        )
       )
       (then
        (local.set $i27
         (select
          (local.tee $lo
           (i32.add
            (local.get $i19)
            (i32.const 8)
           )
          )
          (local.get $i25)
          (i32.lt_s
           (local.get $lo)
           (local.get $i25)
          )
         )
        )
        (local.set $i23
         (i32.const 0)
        )
        (loop $chunk0
         (local.set $i17
          (select
           (i32.const 64)
           (local.tee $lo
            (i32.sub
             (local.get $m)
             (local.get $i23)
            )
           )
           (i32.ge_s
            (local.get $lo)
            (i32.const 64)
           )
          )
         )
         (local.set $i20
          (i32.eqz
           (local.get $i23)
          )
         )
         (local.set $i21
          (i32.ge_s
           (i32.sub
            (local.get $i23)
            (i32.const -64)
           )
           (local.get $m)
          )
         )
         (if
          (i32.and
           (i32.lt_s
            (local.get $i19)
            (local.get $i27)
           )
           (i32.lt_s
            (local.get $i19)
            (local.get $i29)
           )
          )
          (then
           (local.set $i12
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $lo
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i23)
                (i32.const 5)
               )
               (local.get $i19)
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
                (local.get $i22)
                (i32.const 20)
               )
               (local.get $i19)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $hi
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i23)
                (i32.const 3)
               )
               (i32.shl
                (local.get $i22)
                (i32.const 2)
               )
              )
              (i32.const 2)
             )
            )
           )
           (if
            (i32.gt_s
             (local.get $i24)
             (i32.const 0)
            )
            (then
             (local.set $v10
              (if (result v128)
               (local.get $i20)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v3
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v4
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v5
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v6
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v11
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v8
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (local.set $v3
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v4
                 (v128.load offset=48
                  (local.get $i0)
                 )
                )
                (local.set $v5
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v6
                 (v128.load offset=80
                  (local.get $i0)
                 )
                )
                (local.set $v11
                 (v128.load offset=96
                  (local.get $i0)
                 )
                )
                (local.set $v8
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
             (local.set $i15
              (local.get $ws)
             )
             (local.set $i7
              (local.get $i12)
             )
             (local.set $i13
              (local.get $hi)
             )
             (if
              (i32.gt_s
               (local.get $i17)
               (i32.const 0)
              )
              (then
               (local.set $i18
                (i32.add
                 (local.get $i7)
                 (i32.shl
                  (local.get $i17)
                  (i32.const 5)
                 )
                )
               )
               (loop $k13
                (v128.store
                 (local.get $i7)
                 (local.tee $v9
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i7)
                 (local.tee $v16
                  (v128.load offset=16 align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i15)
                 (v128.load align=4
                  (local.get $i13)
                 )
                )
                (local.set $v10
                 (f32x4.add
                  (local.get $v10)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v3
                 (f32x4.add
                  (local.get $v3)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=4
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v4
                 (f32x4.add
                  (local.get $v4)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v5
                 (f32x4.add
                  (local.get $v5)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=8
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v6
                 (f32x4.add
                  (local.get $v6)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v11
                 (f32x4.add
                  (local.get $v11)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=12
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v8
                 (f32x4.add
                  (local.get $v8)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $i15
                 (i32.add
                  (local.get $i15)
                  (i32.const 16)
                 )
                )
                (local.set $i13
                 (i32.add
                  (local.get $i13)
                  (i32.const 12)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 20)
                 )
                )
                (br_if $k13
                 (i32.ne
                  (local.get $i18)
                  (local.tee $i7
                   (i32.add
                    (local.get $i7)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i21)
              (then
               (v128.store align=4
                (local.get $i1)
                (local.get $v10)
               )
               (v128.store offset=16 align=4
                (local.get $i1)
                (local.get $v2)
               )
               (v128.store offset=20 align=4
                (local.get $i1)
                (local.get $v3)
               )
               (v128.store offset=36 align=4
                (local.get $i1)
                (local.get $v4)
               )
               (v128.store offset=40 align=4
                (local.get $i1)
                (local.get $v5)
               )
               (v128.store offset=56 align=4
                (local.get $i1)
                (local.get $v6)
               )
               (v128.store offset=60 align=4
                (local.get $i1)
                (local.get $v11)
               )
               (v128.store offset=76 align=4
                (local.get $i1)
                (local.get $v8)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v10)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v3)
               )
               (v128.store offset=48
                (local.get $i0)
                (local.get $v4)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v5)
               )
               (v128.store offset=80
                (local.get $i0)
                (local.get $v6)
               )
               (v128.store offset=96
                (local.get $i0)
                (local.get $v11)
               )
               (v128.store offset=112
                (local.get $i0)
                (local.get $v8)
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
               (i32.const 80)
              )
             )
             (local.set $hi
              (i32.add
               (local.get $hi)
               (i32.const 16)
              )
             )
             (if
              (i32.gt_s
               (local.tee $i18
                (i32.sub
                 (local.get $i24)
                 (i32.const 1)
                )
               )
               (i32.const 0)
              )
              (then
               (loop $n15
                (local.set $v10
                 (if (result v128)
                  (local.get $i20)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v3
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v4
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v5
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v6
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v11
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i0)
                    )
                   )
                   (local.set $v3
                    (v128.load offset=32
                     (local.get $i0)
                    )
                   )
                   (local.set $v4
                    (v128.load offset=48
                     (local.get $i0)
                    )
                   )
                   (local.set $v5
                    (v128.load offset=64
                     (local.get $i0)
                    )
                   )
                   (local.set $v6
                    (v128.load offset=80
                     (local.get $i0)
                    )
                   )
                   (local.set $v11
                    (v128.load offset=96
                     (local.get $i0)
                    )
                   )
                   (local.set $v8
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
                (local.set $i15
                 (local.get $lo)
                )
                (local.set $i7
                 (local.get $i12)
                )
                (local.set $i13
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i17)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i28
                   (i32.add
                    (local.get $i7)
                    (i32.shl
                     (local.get $i17)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k14
                   (local.set $v9
                    (v128.load
                     (local.get $i7)
                    )
                   )
                   (local.set $v16
                    (v128.load offset=16
                     (local.get $i7)
                    )
                   )
                   (v128.store
                    (local.get $i15)
                    (v128.load align=4
                     (local.get $i13)
                    )
                   )
                   (local.set $v10
                    (f32x4.add
                     (local.get $v10)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v3
                    (f32x4.add
                     (local.get $v3)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=4
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v4
                    (f32x4.add
                     (local.get $v4)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v5
                    (f32x4.add
                     (local.get $v5)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=8
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v6
                    (f32x4.add
                     (local.get $v6)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v11
                    (f32x4.add
                     (local.get $v11)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=12
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $i15
                    (i32.add
                     (local.get $i15)
                     (i32.const 16)
                    )
                   )
                   (local.set $i13
                    (i32.add
                     (local.get $i13)
                     (i32.const 12)
                    )
                   )
                   (br_if $k14
                    (i32.ne
                     (local.get $i28)
                     (local.tee $i7
                      (i32.add
                       (local.get $i7)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i21)
                 (then
                  (v128.store align=4
                   (local.get $i1)
                   (local.get $v10)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i1)
                   (local.get $v2)
                  )
                  (v128.store offset=20 align=4
                   (local.get $i1)
                   (local.get $v3)
                  )
                  (v128.store offset=36 align=4
                   (local.get $i1)
                   (local.get $v4)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i1)
                   (local.get $v5)
                  )
                  (v128.store offset=56 align=4
                   (local.get $i1)
                   (local.get $v6)
                  )
                  (v128.store offset=60 align=4
                   (local.get $i1)
                   (local.get $v11)
                  )
                  (v128.store offset=76 align=4
                   (local.get $i1)
                   (local.get $v8)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i0)
                   (local.get $v10)
                  )
                  (v128.store offset=16
                   (local.get $i0)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i0)
                   (local.get $v3)
                  )
                  (v128.store offset=48
                   (local.get $i0)
                   (local.get $v4)
                  )
                  (v128.store offset=64
                   (local.get $i0)
                   (local.get $v5)
                  )
                  (v128.store offset=80
                   (local.get $i0)
                   (local.get $v6)
                  )
                  (v128.store offset=96
                   (local.get $i0)
                   (local.get $v11)
                  )
                  (v128.store offset=112
                   (local.get $i0)
                   (local.get $v8)
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
                  (i32.const 80)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 16)
                 )
                )
                (br_if $n15
                 (i32.gt_s
                  (local.tee $i18
                   (i32.sub
                    (local.get $i18)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                )
               )
              )
             )
             (if
              (local.get $i26)
              (then
               (local.set $v10
                (if (result v128)
                 (local.get $i20)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v3
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v4
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v5
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v6
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=16
                    (local.get $i0)
                   )
                  )
                  (local.set $v3
                   (v128.load offset=32
                    (local.get $i0)
                   )
                  )
                  (local.set $v4
                   (v128.load offset=48
                    (local.get $i0)
                   )
                  )
                  (local.set $v5
                   (v128.load offset=64
                    (local.get $i0)
                   )
                  )
                  (local.set $v6
                   (v128.load offset=80
                    (local.get $i0)
                   )
                  )
                  (v128.load
                   (local.get $i0)
                  )
                 )
                )
               )
               (if
                (i32.gt_s
                 (local.get $i17)
                 (i32.const 0)
                )
                (then
                 (local.set $i13
                  (i32.add
                   (local.get $i12)
                   (i32.shl
                    (local.get $i17)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k16
                  (local.set $v11
                   (v128.load
                    (local.get $i12)
                   )
                  )
                  (local.set $v8
                   (v128.load offset=16
                    (local.get $i12)
                   )
                  )
                  (v128.store
                   (local.get $lo)
                   (v128.load32_lane offset=8 2
                    (local.get $hi)
                    (v128.load64_zero align=4
                     (local.get $hi)
                    )
                   )
                  )
                  (local.set $v10
                   (f32x4.add
                    (local.get $v10)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v3
                   (f32x4.add
                    (local.get $v3)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=4
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v4
                   (f32x4.add
                    (local.get $v4)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v5
                   (f32x4.add
                    (local.get $v5)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=8
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v6
                   (f32x4.add
                    (local.get $v6)
                    (f32x4.mul
                     (local.get $v9)
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
                  (local.set $hi
                   (i32.add
                    (local.get $hi)
                    (i32.const 12)
                   )
                  )
                  (br_if $k16
                   (i32.ne
                    (local.get $i13)
                    (local.tee $i12
                     (i32.add
                      (local.get $i12)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i21)
                (then
                 (v128.store align=4
                  (local.get $i1)
                  (local.get $v10)
                 )
                 (v128.store offset=16 align=4
                  (local.get $i1)
                  (local.get $v2)
                 )
                 (v128.store offset=20 align=4
                  (local.get $i1)
                  (local.get $v3)
                 )
                 (v128.store offset=36 align=4
                  (local.get $i1)
                  (local.get $v4)
                 )
                 (v128.store offset=40 align=4
                  (local.get $i1)
                  (local.get $v5)
                 )
                 (v128.store offset=56 align=4
                  (local.get $i1)
                  (local.get $v6)
                 )
                )
                (else
                 (v128.store
                  (local.get $i0)
                  (local.get $v10)
                 )
                 (v128.store offset=16
                  (local.get $i0)
                  (local.get $v2)
                 )
                 (v128.store offset=32
                  (local.get $i0)
                  (local.get $v3)
                 )
                 (v128.store offset=48
                  (local.get $i0)
                  (local.get $v4)
                 )
                 (v128.store offset=64
                  (local.get $i0)
                  (local.get $v5)
                 )
                 (v128.store offset=80
                  (local.get $i0)
                  (local.get $v6)
                 )
                )
               )
              )
             )
            )
            (else
             (local.set $v10
              (if (result v128)
               (local.get $i20)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v3
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v4
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v5
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v6
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (local.set $v3
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v4
                 (v128.load offset=48
                  (local.get $i0)
                 )
                )
                (local.set $v5
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v6
                 (v128.load offset=80
                  (local.get $i0)
                 )
                )
                (v128.load
                 (local.get $i0)
                )
               )
              )
             )
             (local.set $i13
              (local.get $ws)
             )
             (if
              (i32.gt_s
               (local.get $i17)
               (i32.const 0)
              )
              (then
               (local.set $i7
                (i32.add
                 (local.get $i12)
                 (i32.shl
                  (local.get $i17)
                  (i32.const 5)
                 )
                )
               )
               (loop $k17
                (v128.store
                 (local.get $i12)
                 (local.tee $v11
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i12)
                 (local.tee $v8
                  (v128.load offset=16 align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i13)
                 (v128.load32_lane offset=8 2
                  (local.get $hi)
                  (v128.load64_zero align=4
                   (local.get $hi)
                  )
                 )
                )
                (local.set $v10
                 (f32x4.add
                  (local.get $v10)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v3
                 (f32x4.add
                  (local.get $v3)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat offset=4
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v4
                 (f32x4.add
                  (local.get $v4)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v5
                 (f32x4.add
                  (local.get $v5)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat offset=8
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v6
                 (f32x4.add
                  (local.get $v6)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $i13
                 (i32.add
                  (local.get $i13)
                  (i32.const 16)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 12)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 20)
                 )
                )
                (br_if $k17
                 (i32.ne
                  (local.get $i7)
                  (local.tee $i12
                   (i32.add
                    (local.get $i12)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i21)
              (then
               (v128.store align=4
                (local.get $i1)
                (local.get $v10)
               )
               (v128.store offset=16 align=4
                (local.get $i1)
                (local.get $v2)
               )
               (v128.store offset=20 align=4
                (local.get $i1)
                (local.get $v3)
               )
               (v128.store offset=36 align=4
                (local.get $i1)
                (local.get $v4)
               )
               (v128.store offset=40 align=4
                (local.get $i1)
                (local.get $v5)
               )
               (v128.store offset=56 align=4
                (local.get $i1)
                (local.get $v6)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v10)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v3)
               )
               (v128.store offset=48
                (local.get $i0)
                (local.get $v4)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v5)
               )
               (v128.store offset=80
                (local.get $i0)
                (local.get $v6)
               )
              )
             )
            )
           )
           (local.set $i18
            (i32.add
             (local.get $i19)
             (i32.const 8)
            )
           )
           (loop $top7
            (if
             (i32.and
              (i32.lt_s
               (local.get $i18)
               (local.get $i27)
              )
              (i32.lt_s
               (local.get $i18)
               (local.get $i29)
              )
             )
             (then
              (local.set $hi
               (i32.add
                (local.get $ws)
                (i32.const 1024)
               )
              )
              (local.set $lo
               (i32.add
                (local.get $b)
                (i32.shl
                 (i32.add
                  (i32.mul
                   (local.get $i23)
                   (i32.const 5)
                  )
                  (local.get $i18)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i7
               (i32.add
                (i32.add
                 (local.get $ws)
                 (i32.const 3072)
                )
                (i32.shl
                 (i32.sub
                  (local.get $i18)
                  (local.get $i19)
                 )
                 (i32.const 2)
                )
               )
              )
              (local.set $i15
               (i32.add
                (local.get $c)
                (i32.shl
                 (i32.add
                  (i32.mul
                   (local.get $i22)
                   (i32.const 20)
                  )
                  (local.get $i18)
                 )
                 (i32.const 2)
                )
               )
              )
              (if
               (i32.gt_s
                (local.get $i24)
                (i32.const 0)
               )
               (then
                (local.set $v10
                 (if (result v128)
                  (local.get $i20)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v3
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v4
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v5
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v6
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v11
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i7)
                    )
                   )
                   (local.set $v3
                    (v128.load offset=32
                     (local.get $i7)
                    )
                   )
                   (local.set $v4
                    (v128.load offset=48
                     (local.get $i7)
                    )
                   )
                   (local.set $v5
                    (v128.load offset=64
                     (local.get $i7)
                    )
                   )
                   (local.set $v6
                    (v128.load offset=80
                     (local.get $i7)
                    )
                   )
                   (local.set $v11
                    (v128.load offset=96
                     (local.get $i7)
                    )
                   )
                   (local.set $v8
                    (v128.load offset=112
                     (local.get $i7)
                    )
                   )
                   (v128.load
                    (local.get $i7)
                   )
                  )
                 )
                )
                (local.set $i12
                 (local.get $ws)
                )
                (local.set $i13
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i17)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i0
                   (i32.add
                    (local.get $hi)
                    (i32.shl
                     (local.get $i17)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k1
                   (v128.store
                    (local.get $i13)
                    (local.tee $v9
                     (v128.load align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (v128.store offset=16
                    (local.get $i13)
                    (local.tee $v16
                     (v128.load offset=16 align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (local.set $v10
                    (f32x4.add
                     (local.get $v10)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat
                        (local.get $i12)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v3
                    (f32x4.add
                     (local.get $v3)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=4
                        (local.get $i12)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v4
                    (f32x4.add
                     (local.get $v4)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v5
                    (f32x4.add
                     (local.get $v5)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=8
                        (local.get $i12)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v6
                    (f32x4.add
                     (local.get $v6)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v11
                    (f32x4.add
                     (local.get $v11)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=12
                        (local.get $i12)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $i12
                    (i32.add
                     (local.get $i12)
                     (i32.const 16)
                    )
                   )
                   (local.set $lo
                    (i32.add
                     (local.get $lo)
                     (i32.const 20)
                    )
                   )
                   (br_if $k1
                    (i32.ne
                     (local.get $i0)
                     (local.tee $i13
                      (i32.add
                       (local.get $i13)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i21)
                 (then
                  (v128.store align=4
                   (local.get $i15)
                   (local.get $v10)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i15)
                   (local.get $v2)
                  )
                  (v128.store offset=20 align=4
                   (local.get $i15)
                   (local.get $v3)
                  )
                  (v128.store offset=36 align=4
                   (local.get $i15)
                   (local.get $v4)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i15)
                   (local.get $v5)
                  )
                  (v128.store offset=56 align=4
                   (local.get $i15)
                   (local.get $v6)
                  )
                  (v128.store offset=60 align=4
                   (local.get $i15)
                   (local.get $v11)
                  )
                  (v128.store offset=76 align=4
                   (local.get $i15)
                   (local.get $v8)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i7)
                   (local.get $v10)
                  )
                  (v128.store offset=16
                   (local.get $i7)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i7)
                   (local.get $v3)
                  )
                  (v128.store offset=48
                   (local.get $i7)
                   (local.get $v4)
                  )
                  (v128.store offset=64
                   (local.get $i7)
                   (local.get $v5)
                  )
                  (v128.store offset=80
                   (local.get $i7)
                   (local.get $v6)
                  )
                  (v128.store offset=96
                   (local.get $i7)
                   (local.get $v11)
                  )
                  (v128.store offset=112
                   (local.get $i7)
                   (local.get $v8)
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
                  (local.get $i7)
                  (i32.const 128)
                 )
                )
                (local.set $i1
                 (i32.add
                  (local.get $i15)
                  (i32.const 80)
                 )
                )
                (if
                 (i32.gt_s
                  (local.tee $i7
                   (i32.sub
                    (local.get $i24)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                 (then
                  (loop $n3
                   (local.set $v10
                    (if (result v128)
                     (local.get $i20)
                     (then
                      (local.set $v2
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v3
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v4
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v5
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v6
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v11
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (local.set $v8
                       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                      )
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (else
                      (local.set $v2
                       (v128.load offset=16
                        (local.get $i0)
                       )
                      )
                      (local.set $v3
                       (v128.load offset=32
                        (local.get $i0)
                       )
                      )
                      (local.set $v4
                       (v128.load offset=48
                        (local.get $i0)
                       )
                      )
                      (local.set $v5
                       (v128.load offset=64
                        (local.get $i0)
                       )
                      )
                      (local.set $v6
                       (v128.load offset=80
                        (local.get $i0)
                       )
                      )
                      (local.set $v11
                       (v128.load offset=96
                        (local.get $i0)
                       )
                      )
                      (local.set $v8
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
                   (local.set $i12
                    (local.get $lo)
                   )
                   (local.set $i13
                    (local.get $hi)
                   )
                   (if
                    (i32.gt_s
                     (local.get $i17)
                     (i32.const 0)
                    )
                    (then
                     (local.set $i15
                      (i32.add
                       (local.get $hi)
                       (i32.shl
                        (local.get $i17)
                        (i32.const 5)
                       )
                      )
                     )
                     (loop $k2
                      (local.set $v10
                       (f32x4.add
                        (local.get $v10)
                        (f32x4.mul
                         (local.tee $v16
                          (v128.load32_splat
                           (local.get $i12)
                          )
                         )
                         (local.tee $v9
                          (v128.load
                           (local.get $i13)
                          )
                         )
                        )
                       )
                      )
                      (local.set $v2
                       (f32x4.add
                        (local.get $v2)
                        (f32x4.mul
                         (local.get $v16)
                         (local.tee $v16
                          (v128.load offset=16
                           (local.get $i13)
                          )
                         )
                        )
                       )
                      )
                      (local.set $v3
                       (f32x4.add
                        (local.get $v3)
                        (f32x4.mul
                         (local.tee $v14
                          (v128.load32_splat offset=4
                           (local.get $i12)
                          )
                         )
                         (local.get $v9)
                        )
                       )
                      )
                      (local.set $v4
                       (f32x4.add
                        (local.get $v4)
                        (f32x4.mul
                         (local.get $v14)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $v5
                       (f32x4.add
                        (local.get $v5)
                        (f32x4.mul
                         (local.tee $v14
                          (v128.load32_splat offset=8
                           (local.get $i12)
                          )
                         )
                         (local.get $v9)
                        )
                       )
                      )
                      (local.set $v6
                       (f32x4.add
                        (local.get $v6)
                        (f32x4.mul
                         (local.get $v14)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $v11
                       (f32x4.add
                        (local.get $v11)
                        (f32x4.mul
                         (local.tee $v14
                          (v128.load32_splat offset=12
                           (local.get $i12)
                          )
                         )
                         (local.get $v9)
                        )
                       )
                      )
                      (local.set $v8
                       (f32x4.add
                        (local.get $v8)
                        (f32x4.mul
                         (local.get $v14)
                         (local.get $v16)
                        )
                       )
                      )
                      (local.set $i12
                       (i32.add
                        (local.get $i12)
                        (i32.const 16)
                       )
                      )
                      (br_if $k2
                       (i32.ne
                        (local.get $i15)
                        (local.tee $i13
                         (i32.add
                          (local.get $i13)
                          (i32.const 32)
                         )
                        )
                       )
                      )
                     )
                    )
                   )
                   (if
                    (local.get $i21)
                    (then
                     (v128.store align=4
                      (local.get $i1)
                      (local.get $v10)
                     )
                     (v128.store offset=16 align=4
                      (local.get $i1)
                      (local.get $v2)
                     )
                     (v128.store offset=20 align=4
                      (local.get $i1)
                      (local.get $v3)
                     )
                     (v128.store offset=36 align=4
                      (local.get $i1)
                      (local.get $v4)
                     )
                     (v128.store offset=40 align=4
                      (local.get $i1)
                      (local.get $v5)
                     )
                     (v128.store offset=56 align=4
                      (local.get $i1)
                      (local.get $v6)
                     )
                     (v128.store offset=60 align=4
                      (local.get $i1)
                      (local.get $v11)
                     )
                     (v128.store offset=76 align=4
                      (local.get $i1)
                      (local.get $v8)
                     )
                    )
                    (else
                     (v128.store
                      (local.get $i0)
                      (local.get $v10)
                     )
                     (v128.store offset=16
                      (local.get $i0)
                      (local.get $v2)
                     )
                     (v128.store offset=32
                      (local.get $i0)
                      (local.get $v3)
                     )
                     (v128.store offset=48
                      (local.get $i0)
                      (local.get $v4)
                     )
                     (v128.store offset=64
                      (local.get $i0)
                      (local.get $v5)
                     )
                     (v128.store offset=80
                      (local.get $i0)
                      (local.get $v6)
                     )
                     (v128.store offset=96
                      (local.get $i0)
                      (local.get $v11)
                     )
                     (v128.store offset=112
                      (local.get $i0)
                      (local.get $v8)
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
                     (i32.const 80)
                    )
                   )
                   (br_if $n3
                    (i32.gt_s
                     (local.tee $i7
                      (i32.sub
                       (local.get $i7)
                       (i32.const 1)
                      )
                     )
                     (i32.const 0)
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i26)
                 (then
                  (local.set $v10
                   (if (result v128)
                    (local.get $i20)
                    (then
                     (local.set $v2
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v3
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v4
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v5
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v6
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (else
                     (local.set $v2
                      (v128.load offset=16
                       (local.get $i0)
                      )
                     )
                     (local.set $v3
                      (v128.load offset=32
                       (local.get $i0)
                      )
                     )
                     (local.set $v4
                      (v128.load offset=48
                       (local.get $i0)
                      )
                     )
                     (local.set $v5
                      (v128.load offset=64
                       (local.get $i0)
                      )
                     )
                     (local.set $v6
                      (v128.load offset=80
                       (local.get $i0)
                      )
                     )
                     (v128.load
                      (local.get $i0)
                     )
                    )
                   )
                  )
                  (if
                   (i32.gt_s
                    (local.get $i17)
                    (i32.const 0)
                   )
                   (then
                    (local.set $i12
                     (i32.add
                      (local.get $hi)
                      (i32.shl
                       (local.get $i17)
                       (i32.const 5)
                      )
                     )
                    )
                    (loop $k4
                     (local.set $v10
                      (f32x4.add
                       (local.get $v10)
                       (f32x4.mul
                        (local.tee $v8
                         (v128.load32_splat
                          (local.get $lo)
                         )
                        )
                        (local.tee $v11
                         (v128.load
                          (local.get $hi)
                         )
                        )
                       )
                      )
                     )
                     (local.set $v2
                      (f32x4.add
                       (local.get $v2)
                       (f32x4.mul
                        (local.get $v8)
                        (local.tee $v8
                         (v128.load offset=16
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
                        (local.tee $v9
                         (v128.load32_splat offset=4
                          (local.get $lo)
                         )
                        )
                        (local.get $v11)
                       )
                      )
                     )
                     (local.set $v4
                      (f32x4.add
                       (local.get $v4)
                       (f32x4.mul
                        (local.get $v9)
                        (local.get $v8)
                       )
                      )
                     )
                     (local.set $v5
                      (f32x4.add
                       (local.get $v5)
                       (f32x4.mul
                        (local.tee $v9
                         (v128.load32_splat offset=8
                          (local.get $lo)
                         )
                        )
                        (local.get $v11)
                       )
                      )
                     )
                     (local.set $v6
                      (f32x4.add
                       (local.get $v6)
                       (f32x4.mul
                        (local.get $v9)
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
                     (br_if $k4
                      (i32.ne
                       (local.get $i12)
                       (local.tee $hi
                        (i32.add
                         (local.get $hi)
                         (i32.const 32)
                        )
                       )
                      )
                     )
                    )
                   )
                  )
                  (if
                   (local.get $i21)
                   (then
                    (v128.store align=4
                     (local.get $i1)
                     (local.get $v10)
                    )
                    (v128.store offset=16 align=4
                     (local.get $i1)
                     (local.get $v2)
                    )
                    (v128.store offset=20 align=4
                     (local.get $i1)
                     (local.get $v3)
                    )
                    (v128.store offset=36 align=4
                     (local.get $i1)
                     (local.get $v4)
                    )
                    (v128.store offset=40 align=4
                     (local.get $i1)
                     (local.get $v5)
                    )
                    (v128.store offset=56 align=4
                     (local.get $i1)
                     (local.get $v6)
                    )
                   )
                   (else
                    (v128.store
                     (local.get $i0)
                     (local.get $v10)
                    )
                    (v128.store offset=16
                     (local.get $i0)
                     (local.get $v2)
                    )
                    (v128.store offset=32
                     (local.get $i0)
                     (local.get $v3)
                    )
                    (v128.store offset=48
                     (local.get $i0)
                     (local.get $v4)
                    )
                    (v128.store offset=64
                     (local.get $i0)
                     (local.get $v5)
                    )
                    (v128.store offset=80
                     (local.get $i0)
                     (local.get $v6)
                    )
                   )
                  )
                 )
                )
               )
               (else
                (local.set $v10
                 (if (result v128)
                  (local.get $i20)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v3
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v4
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v5
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v6
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i7)
                    )
                   )
                   (local.set $v3
                    (v128.load offset=32
                     (local.get $i7)
                    )
                   )
                   (local.set $v4
                    (v128.load offset=48
                     (local.get $i7)
                    )
                   )
                   (local.set $v5
                    (v128.load offset=64
                     (local.get $i7)
                    )
                   )
                   (local.set $v6
                    (v128.load offset=80
                     (local.get $i7)
                    )
                   )
                   (v128.load
                    (local.get $i7)
                   )
                  )
                 )
                )
                (local.set $i12
                 (local.get $ws)
                )
                (if
                 (i32.gt_s
                  (local.get $i17)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i13
                   (i32.add
                    (local.get $hi)
                    (i32.shl
                     (local.get $i17)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k5
                   (v128.store
                    (local.get $hi)
                    (local.tee $v11
                     (v128.load align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (v128.store offset=16
                    (local.get $hi)
                    (local.tee $v8
                     (v128.load offset=16 align=4
                      (local.get $lo)
                     )
                    )
                   )
                   (local.set $v10
                    (f32x4.add
                     (local.get $v10)
                     (f32x4.mul
                      (local.tee $v9
                       (v128.load32_splat
                        (local.get $i12)
                       )
                      )
                      (local.get $v11)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v9)
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $v3
                    (f32x4.add
                     (local.get $v3)
                     (f32x4.mul
                      (local.tee $v9
                       (v128.load32_splat offset=4
                        (local.get $i12)
                       )
                      )
                      (local.get $v11)
                     )
                    )
                   )
                   (local.set $v4
                    (f32x4.add
                     (local.get $v4)
                     (f32x4.mul
                      (local.get $v9)
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $v5
                    (f32x4.add
                     (local.get $v5)
                     (f32x4.mul
                      (local.tee $v9
                       (v128.load32_splat offset=8
                        (local.get $i12)
                       )
                      )
                      (local.get $v11)
                     )
                    )
                   )
                   (local.set $v6
                    (f32x4.add
                     (local.get $v6)
                     (f32x4.mul
                      (local.get $v9)
                      (local.get $v8)
                     )
                    )
                   )
                   (local.set $i12
                    (i32.add
                     (local.get $i12)
                     (i32.const 16)
                    )
                   )
                   (local.set $lo
                    (i32.add
                     (local.get $lo)
                     (i32.const 20)
                    )
                   )
                   (br_if $k5
                    (i32.ne
                     (local.get $i13)
                     (local.tee $hi
                      (i32.add
                       (local.get $hi)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i21)
                 (then
                  (v128.store align=4
                   (local.get $i15)
                   (local.get $v10)
                  )
                  (v128.store offset=16 align=4
                   (local.get $i15)
                   (local.get $v2)
                  )
                  (v128.store offset=20 align=4
                   (local.get $i15)
                   (local.get $v3)
                  )
                  (v128.store offset=36 align=4
                   (local.get $i15)
                   (local.get $v4)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i15)
                   (local.get $v5)
                  )
                  (v128.store offset=56 align=4
                   (local.get $i15)
                   (local.get $v6)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i7)
                   (local.get $v10)
                  )
                  (v128.store offset=16
                   (local.get $i7)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i7)
                   (local.get $v3)
                  )
                  (v128.store offset=48
                   (local.get $i7)
                   (local.get $v4)
                  )
                  (v128.store offset=64
                   (local.get $i7)
                   (local.get $v5)
                  )
                  (v128.store offset=80
                   (local.get $i7)
                   (local.get $v6)
                  )
                 )
                )
               )
              )
              (local.set $i18
               (i32.add
                (local.get $i18)
                (i32.const 8)
               )
              )
              (br $top7)
             )
            )
           )
           (if
            (i32.lt_s
             (local.get $i18)
             (local.get $i27)
            )
            (then
             (local.set $hi
              (i32.add
               (local.get $ws)
               (i32.const 1024)
              )
             )
             (local.set $lo
              (i32.add
               (local.get $b)
               (i32.shl
                (i32.add
                 (i32.mul
                  (local.get $i23)
                  (i32.const 5)
                 )
                 (local.get $i18)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i7
              (i32.add
               (i32.add
                (local.get $ws)
                (i32.const 3072)
               )
               (i32.shl
                (i32.sub
                 (local.get $i18)
                 (local.get $i19)
                )
                (i32.const 2)
               )
              )
             )
             (local.set $i15
              (i32.add
               (local.get $c)
               (i32.shl
                (i32.add
                 (i32.mul
                  (local.get $i22)
                  (i32.const 20)
                 )
                 (local.get $i18)
                )
                (i32.const 2)
               )
              )
             )
             (if
              (i32.gt_s
               (local.get $i24)
               (i32.const 0)
              )
              (then
               (local.set $v10
                (if (result v128)
                 (local.get $i20)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v3
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v4
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v5
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v6
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v11
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v8
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=16
                    (local.get $i7)
                   )
                  )
                  (local.set $v3
                   (v128.load offset=32
                    (local.get $i7)
                   )
                  )
                  (local.set $v4
                   (v128.load offset=48
                    (local.get $i7)
                   )
                  )
                  (local.set $v5
                   (v128.load offset=64
                    (local.get $i7)
                   )
                  )
                  (local.set $v6
                   (v128.load offset=80
                    (local.get $i7)
                   )
                  )
                  (local.set $v11
                   (v128.load offset=96
                    (local.get $i7)
                   )
                  )
                  (local.set $v8
                   (v128.load offset=112
                    (local.get $i7)
                   )
                  )
                  (v128.load
                   (local.get $i7)
                  )
                 )
                )
               )
               (local.set $i12
                (local.get $ws)
               )
               (local.set $i13
                (local.get $hi)
               )
               (if
                (i32.gt_s
                 (local.get $i17)
                 (i32.const 0)
                )
                (then
                 (local.set $i0
                  (i32.add
                   (local.get $hi)
                   (i32.shl
                    (local.get $i17)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k8
                  (v128.store
                   (local.get $i13)
                   (local.tee $v9
                    (v128.load align=4
                     (local.get $lo)
                    )
                   )
                  )
                  (v128.store offset=16
                   (local.get $i13)
                   (local.tee $v16
                    (v128.load32_zero offset=16
                     (local.get $lo)
                    )
                   )
                  )
                  (local.set $v10
                   (f32x4.add
                    (local.get $v10)
                    (f32x4.mul
                     (local.tee $v14
                      (v128.load32_splat
                       (local.get $i12)
                      )
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (local.get $v14)
                     (local.get $v16)
                    )
                   )
                  )
                  (local.set $v3
                   (f32x4.add
                    (local.get $v3)
                    (f32x4.mul
                     (local.tee $v14
                      (v128.load32_splat offset=4
                       (local.get $i12)
                      )
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v4
                   (f32x4.add
                    (local.get $v4)
                    (f32x4.mul
                     (local.get $v14)
                     (local.get $v16)
                    )
                   )
                  )
                  (local.set $v5
                   (f32x4.add
                    (local.get $v5)
                    (f32x4.mul
                     (local.tee $v14
                      (v128.load32_splat offset=8
                       (local.get $i12)
                      )
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v6
                   (f32x4.add
                    (local.get $v6)
                    (f32x4.mul
                     (local.get $v14)
                     (local.get $v16)
                    )
                   )
                  )
                  (local.set $v11
                   (f32x4.add
                    (local.get $v11)
                    (f32x4.mul
                     (local.tee $v14
                      (v128.load32_splat offset=12
                       (local.get $i12)
                      )
                     )
                     (local.get $v9)
                    )
                   )
                  )
                  (local.set $v8
                   (f32x4.add
                    (local.get $v8)
                    (f32x4.mul
                     (local.get $v14)
                     (local.get $v16)
                    )
                   )
                  )
                  (local.set $i12
                   (i32.add
                    (local.get $i12)
                    (i32.const 16)
                   )
                  )
                  (local.set $lo
                   (i32.add
                    (local.get $lo)
                    (i32.const 20)
                   )
                  )
                  (br_if $k8
                   (i32.ne
                    (local.get $i0)
                    (local.tee $i13
                     (i32.add
                      (local.get $i13)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i21)
                (then
                 (v128.store align=4
                  (local.get $i15)
                  (local.get $v10)
                 )
                 (v128.store32_lane offset=16 0
                  (local.get $i15)
                  (local.get $v2)
                 )
                 (v128.store offset=20 align=4
                  (local.get $i15)
                  (local.get $v3)
                 )
                 (v128.store32_lane offset=36 0
                  (local.get $i15)
                  (local.get $v4)
                 )
                 (v128.store offset=40 align=4
                  (local.get $i15)
                  (local.get $v5)
                 )
                 (v128.store32_lane offset=56 0
                  (local.get $i15)
                  (local.get $v6)
                 )
                 (v128.store offset=60 align=4
                  (local.get $i15)
                  (local.get $v11)
                 )
                 (v128.store32_lane offset=76 0
                  (local.get $i15)
                  (local.get $v8)
                 )
                )
                (else
                 (v128.store
                  (local.get $i7)
                  (local.get $v10)
                 )
                 (v128.store offset=16
                  (local.get $i7)
                  (local.get $v2)
                 )
                 (v128.store offset=32
                  (local.get $i7)
                  (local.get $v3)
                 )
                 (v128.store offset=48
                  (local.get $i7)
                  (local.get $v4)
                 )
                 (v128.store offset=64
                  (local.get $i7)
                  (local.get $v5)
                 )
                 (v128.store offset=80
                  (local.get $i7)
                  (local.get $v6)
                 )
                 (v128.store offset=96
                  (local.get $i7)
                  (local.get $v11)
                 )
                 (v128.store offset=112
                  (local.get $i7)
                  (local.get $v8)
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
                 (local.get $i7)
                 (i32.const 128)
                )
               )
               (local.set $i1
                (i32.add
                 (local.get $i15)
                 (i32.const 80)
                )
               )
               (if
                (i32.gt_s
                 (local.tee $i7
                  (i32.sub
                   (local.get $i24)
                   (i32.const 1)
                  )
                 )
                 (i32.const 0)
                )
                (then
                 (loop $n10
                  (local.set $v10
                   (if (result v128)
                    (local.get $i20)
                    (then
                     (local.set $v2
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v3
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v4
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v5
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v6
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v11
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (local.set $v8
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                     )
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (else
                     (local.set $v2
                      (v128.load offset=16
                       (local.get $i0)
                      )
                     )
                     (local.set $v3
                      (v128.load offset=32
                       (local.get $i0)
                      )
                     )
                     (local.set $v4
                      (v128.load offset=48
                       (local.get $i0)
                      )
                     )
                     (local.set $v5
                      (v128.load offset=64
                       (local.get $i0)
                      )
                     )
                     (local.set $v6
                      (v128.load offset=80
                       (local.get $i0)
                      )
                     )
                     (local.set $v11
                      (v128.load offset=96
                       (local.get $i0)
                      )
                     )
                     (local.set $v8
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
                  (local.set $i12
                   (local.get $lo)
                  )
                  (local.set $i13
                   (local.get $hi)
                  )
                  (if
                   (i32.gt_s
                    (local.get $i17)
                    (i32.const 0)
                   )
                   (then
                    (local.set $i15
                     (i32.add
                      (local.get $hi)
                      (i32.shl
                       (local.get $i17)
                       (i32.const 5)
                      )
                     )
                    )
                    (loop $k9
                     (local.set $v10
                      (f32x4.add
                       (local.get $v10)
                       (f32x4.mul
                        (local.tee $v16
                         (v128.load32_splat
                          (local.get $i12)
                         )
                        )
                        (local.tee $v9
                         (v128.load
                          (local.get $i13)
                         )
                        )
                       )
                      )
                     )
                     (local.set $v2
                      (f32x4.add
                       (local.get $v2)
                       (f32x4.mul
                        (local.get $v16)
                        (local.tee $v16
                         (v128.load offset=16
                          (local.get $i13)
                         )
                        )
                       )
                      )
                     )
                     (local.set $v3
                      (f32x4.add
                       (local.get $v3)
                       (f32x4.mul
                        (local.tee $v14
                         (v128.load32_splat offset=4
                          (local.get $i12)
                         )
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $v4
                      (f32x4.add
                       (local.get $v4)
                       (f32x4.mul
                        (local.get $v14)
                        (local.get $v16)
                       )
                      )
                     )
                     (local.set $v5
                      (f32x4.add
                       (local.get $v5)
                       (f32x4.mul
                        (local.tee $v14
                         (v128.load32_splat offset=8
                          (local.get $i12)
                         )
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $v6
                      (f32x4.add
                       (local.get $v6)
                       (f32x4.mul
                        (local.get $v14)
                        (local.get $v16)
                       )
                      )
                     )
                     (local.set $v11
                      (f32x4.add
                       (local.get $v11)
                       (f32x4.mul
                        (local.tee $v14
                         (v128.load32_splat offset=12
                          (local.get $i12)
                         )
                        )
                        (local.get $v9)
                       )
                      )
                     )
                     (local.set $v8
                      (f32x4.add
                       (local.get $v8)
                       (f32x4.mul
                        (local.get $v14)
                        (local.get $v16)
                       )
                      )
                     )
                     (local.set $i12
                      (i32.add
                       (local.get $i12)
                       (i32.const 16)
                      )
                     )
                     (br_if $k9
                      (i32.ne
                       (local.get $i15)
                       (local.tee $i13
                        (i32.add
                         (local.get $i13)
                         (i32.const 32)
                        )
                       )
                      )
                     )
                    )
                   )
                  )
                  (if
                   (local.get $i21)
                   (then
                    (v128.store align=4
                     (local.get $i1)
                     (local.get $v10)
                    )
                    (v128.store32_lane offset=16 0
                     (local.get $i1)
                     (local.get $v2)
                    )
                    (v128.store offset=20 align=4
                     (local.get $i1)
                     (local.get $v3)
                    )
                    (v128.store32_lane offset=36 0
                     (local.get $i1)
                     (local.get $v4)
                    )
                    (v128.store offset=40 align=4
                     (local.get $i1)
                     (local.get $v5)
                    )
                    (v128.store32_lane offset=56 0
                     (local.get $i1)
                     (local.get $v6)
                    )
                    (v128.store offset=60 align=4
                     (local.get $i1)
                     (local.get $v11)
                    )
                    (v128.store32_lane offset=76 0
                     (local.get $i1)
                     (local.get $v8)
                    )
                   )
                   (else
                    (v128.store
                     (local.get $i0)
                     (local.get $v10)
                    )
                    (v128.store offset=16
                     (local.get $i0)
                     (local.get $v2)
                    )
                    (v128.store offset=32
                     (local.get $i0)
                     (local.get $v3)
                    )
                    (v128.store offset=48
                     (local.get $i0)
                     (local.get $v4)
                    )
                    (v128.store offset=64
                     (local.get $i0)
                     (local.get $v5)
                    )
                    (v128.store offset=80
                     (local.get $i0)
                     (local.get $v6)
                    )
                    (v128.store offset=96
                     (local.get $i0)
                     (local.get $v11)
                    )
                    (v128.store offset=112
                     (local.get $i0)
                     (local.get $v8)
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
                    (i32.const 80)
                   )
                  )
                  (br_if $n10
                   (i32.gt_s
                    (local.tee $i7
                     (i32.sub
                      (local.get $i7)
                      (i32.const 1)
                     )
                    )
                    (i32.const 0)
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i26)
                (then
                 (local.set $v10
                  (if (result v128)
                   (local.get $i20)
                   (then
                    (local.set $v2
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v3
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v4
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v5
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (local.set $v6
                     (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                    )
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (else
                    (local.set $v2
                     (v128.load offset=16
                      (local.get $i0)
                     )
                    )
                    (local.set $v3
                     (v128.load offset=32
                      (local.get $i0)
                     )
                    )
                    (local.set $v4
                     (v128.load offset=48
                      (local.get $i0)
                     )
                    )
                    (local.set $v5
                     (v128.load offset=64
                      (local.get $i0)
                     )
                    )
                    (local.set $v6
                     (v128.load offset=80
                      (local.get $i0)
                     )
                    )
                    (v128.load
                     (local.get $i0)
                    )
                   )
                  )
                 )
                 (if
                  (i32.gt_s
                   (local.get $i17)
                   (i32.const 0)
                  )
                  (then
                   (local.set $i12
                    (i32.add
                     (local.get $hi)
                     (i32.shl
                      (local.get $i17)
                      (i32.const 5)
                     )
                    )
                   )
                   (loop $k11
                    (local.set $v10
                     (f32x4.add
                      (local.get $v10)
                      (f32x4.mul
                       (local.tee $v8
                        (v128.load32_splat
                         (local.get $lo)
                        )
                       )
                       (local.tee $v11
                        (v128.load
                         (local.get $hi)
                        )
                       )
                      )
                     )
                    )
                    (local.set $v2
                     (f32x4.add
                      (local.get $v2)
                      (f32x4.mul
                       (local.get $v8)
                       (local.tee $v8
                        (v128.load offset=16
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
                       (local.tee $v9
                        (v128.load32_splat offset=4
                         (local.get $lo)
                        )
                       )
                       (local.get $v11)
                      )
                     )
                    )
                    (local.set $v4
                     (f32x4.add
                      (local.get $v4)
                      (f32x4.mul
                       (local.get $v9)
                       (local.get $v8)
                      )
                     )
                    )
                    (local.set $v5
                     (f32x4.add
                      (local.get $v5)
                      (f32x4.mul
                       (local.tee $v9
                        (v128.load32_splat offset=8
                         (local.get $lo)
                        )
                       )
                       (local.get $v11)
                      )
                     )
                    )
                    (local.set $v6
                     (f32x4.add
                      (local.get $v6)
                      (f32x4.mul
                       (local.get $v9)
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
                    (br_if $k11
                     (i32.ne
                      (local.get $i12)
                      (local.tee $hi
                       (i32.add
                        (local.get $hi)
                        (i32.const 32)
                       )
                      )
                     )
                    )
                   )
                  )
                 )
                 (if
                  (local.get $i21)
                  (then
                   (v128.store align=4
                    (local.get $i1)
                    (local.get $v10)
                   )
                   (v128.store32_lane offset=16 0
                    (local.get $i1)
                    (local.get $v2)
                   )
                   (v128.store offset=20 align=4
                    (local.get $i1)
                    (local.get $v3)
                   )
                   (v128.store32_lane offset=36 0
                    (local.get $i1)
                    (local.get $v4)
                   )
                   (v128.store offset=40 align=4
                    (local.get $i1)
                    (local.get $v5)
                   )
                   (v128.store32_lane offset=56 0
                    (local.get $i1)
                    (local.get $v6)
                   )
                  )
                  (else
                   (v128.store
                    (local.get $i0)
                    (local.get $v10)
                   )
                   (v128.store offset=16
                    (local.get $i0)
                    (local.get $v2)
                   )
                   (v128.store offset=32
                    (local.get $i0)
                    (local.get $v3)
                   )
                   (v128.store offset=48
                    (local.get $i0)
                    (local.get $v4)
                   )
                   (v128.store offset=64
                    (local.get $i0)
                    (local.get $v5)
                   )
                   (v128.store offset=80
                    (local.get $i0)
                    (local.get $v6)
                   )
                  )
                 )
                )
               )
              )
              (else
               (local.set $v10
                (if (result v128)
                 (local.get $i20)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v3
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v4
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v5
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v6
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=16
                    (local.get $i7)
                   )
                  )
                  (local.set $v3
                   (v128.load offset=32
                    (local.get $i7)
                   )
                  )
                  (local.set $v4
                   (v128.load offset=48
                    (local.get $i7)
                   )
                  )
                  (local.set $v5
                   (v128.load offset=64
                    (local.get $i7)
                   )
                  )
                  (local.set $v6
                   (v128.load offset=80
                    (local.get $i7)
                   )
                  )
                  (v128.load
                   (local.get $i7)
                  )
                 )
                )
               )
               (local.set $i12
                (local.get $ws)
               )
               (if
                (i32.gt_s
                 (local.get $i17)
                 (i32.const 0)
                )
                (then
                 (local.set $i13
                  (i32.add
                   (local.get $hi)
                   (i32.shl
                    (local.get $i17)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k12
                  (v128.store
                   (local.get $hi)
                   (local.tee $v11
                    (v128.load align=4
                     (local.get $lo)
                    )
                   )
                  )
                  (v128.store offset=16
                   (local.get $hi)
                   (local.tee $v8
                    (v128.load32_zero offset=16
                     (local.get $lo)
                    )
                   )
                  )
                  (local.set $v10
                   (f32x4.add
                    (local.get $v10)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat
                       (local.get $i12)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v3
                   (f32x4.add
                    (local.get $v3)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=4
                       (local.get $i12)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v4
                   (f32x4.add
                    (local.get $v4)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v5
                   (f32x4.add
                    (local.get $v5)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=8
                       (local.get $i12)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v6
                   (f32x4.add
                    (local.get $v6)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $i12
                   (i32.add
                    (local.get $i12)
                    (i32.const 16)
                   )
                  )
                  (local.set $lo
                   (i32.add
                    (local.get $lo)
                    (i32.const 20)
                   )
                  )
                  (br_if $k12
                   (i32.ne
                    (local.get $i13)
                    (local.tee $hi
                     (i32.add
                      (local.get $hi)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i21)
                (then
                 (v128.store align=4
                  (local.get $i15)
                  (local.get $v10)
                 )
                 (v128.store32_lane offset=16 0
                  (local.get $i15)
                  (local.get $v2)
                 )
                 (v128.store offset=20 align=4
                  (local.get $i15)
                  (local.get $v3)
                 )
                 (v128.store32_lane offset=36 0
                  (local.get $i15)
                  (local.get $v4)
                 )
                 (v128.store offset=40 align=4
                  (local.get $i15)
                  (local.get $v5)
                 )
                 (v128.store32_lane offset=56 0
                  (local.get $i15)
                  (local.get $v6)
                 )
                )
                (else
                 (v128.store
                  (local.get $i7)
                  (local.get $v10)
                 )
                 (v128.store offset=16
                  (local.get $i7)
                  (local.get $v2)
                 )
                 (v128.store offset=32
                  (local.get $i7)
                  (local.get $v3)
                 )
                 (v128.store offset=48
                  (local.get $i7)
                  (local.get $v4)
                 )
                 (v128.store offset=64
                  (local.get $i7)
                  (local.get $v5)
                 )
                 (v128.store offset=80
                  (local.get $i7)
                  (local.get $v6)
                 )
                )
               )
              )
             )
            )
           )
          )
          (else
           (local.set $i12
            (i32.add
             (local.get $ws)
             (i32.const 1024)
            )
           )
           (local.set $lo
            (i32.add
             (local.get $b)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i23)
                (i32.const 5)
               )
               (local.get $i19)
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
                (local.get $i22)
                (i32.const 20)
               )
               (local.get $i19)
              )
              (i32.const 2)
             )
            )
           )
           (local.set $hi
            (i32.add
             (local.get $a)
             (i32.shl
              (i32.add
               (i32.mul
                (local.get $i23)
                (i32.const 3)
               )
               (i32.shl
                (local.get $i22)
                (i32.const 2)
               )
              )
              (i32.const 2)
             )
            )
           )
           (if
            (i32.gt_s
             (local.get $i24)
             (i32.const 0)
            )
            (then
             (local.set $v10
              (if (result v128)
               (local.get $i20)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v3
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v4
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v5
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v6
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v11
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v8
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (local.set $v3
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v4
                 (v128.load offset=48
                  (local.get $i0)
                 )
                )
                (local.set $v5
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v6
                 (v128.load offset=80
                  (local.get $i0)
                 )
                )
                (local.set $v11
                 (v128.load offset=96
                  (local.get $i0)
                 )
                )
                (local.set $v8
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
             (local.set $i15
              (local.get $ws)
             )
             (local.set $i7
              (local.get $i12)
             )
             (local.set $i13
              (local.get $hi)
             )
             (if
              (i32.gt_s
               (local.get $i17)
               (i32.const 0)
              )
              (then
               (local.set $i18
                (i32.add
                 (local.get $i7)
                 (i32.shl
                  (local.get $i17)
                  (i32.const 5)
                 )
                )
               )
               (loop $k18
                (v128.store
                 (local.get $i7)
                 (local.tee $v9
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i7)
                 (local.tee $v16
                  (v128.load32_zero offset=16
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i15)
                 (v128.load align=4
                  (local.get $i13)
                 )
                )
                (local.set $v10
                 (f32x4.add
                  (local.get $v10)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v3
                 (f32x4.add
                  (local.get $v3)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=4
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v4
                 (f32x4.add
                  (local.get $v4)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v5
                 (f32x4.add
                  (local.get $v5)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=8
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v6
                 (f32x4.add
                  (local.get $v6)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $v11
                 (f32x4.add
                  (local.get $v11)
                  (f32x4.mul
                   (local.tee $v14
                    (v128.load32_splat offset=12
                     (local.get $i13)
                    )
                   )
                   (local.get $v9)
                  )
                 )
                )
                (local.set $v8
                 (f32x4.add
                  (local.get $v8)
                  (f32x4.mul
                   (local.get $v14)
                   (local.get $v16)
                  )
                 )
                )
                (local.set $i15
                 (i32.add
                  (local.get $i15)
                  (i32.const 16)
                 )
                )
                (local.set $i13
                 (i32.add
                  (local.get $i13)
                  (i32.const 12)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 20)
                 )
                )
                (br_if $k18
                 (i32.ne
                  (local.get $i18)
                  (local.tee $i7
                   (i32.add
                    (local.get $i7)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i21)
              (then
               (v128.store align=4
                (local.get $i1)
                (local.get $v10)
               )
               (v128.store32_lane offset=16 0
                (local.get $i1)
                (local.get $v2)
               )
               (v128.store offset=20 align=4
                (local.get $i1)
                (local.get $v3)
               )
               (v128.store32_lane offset=36 0
                (local.get $i1)
                (local.get $v4)
               )
               (v128.store offset=40 align=4
                (local.get $i1)
                (local.get $v5)
               )
               (v128.store32_lane offset=56 0
                (local.get $i1)
                (local.get $v6)
               )
               (v128.store offset=60 align=4
                (local.get $i1)
                (local.get $v11)
               )
               (v128.store32_lane offset=76 0
                (local.get $i1)
                (local.get $v8)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v10)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v3)
               )
               (v128.store offset=48
                (local.get $i0)
                (local.get $v4)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v5)
               )
               (v128.store offset=80
                (local.get $i0)
                (local.get $v6)
               )
               (v128.store offset=96
                (local.get $i0)
                (local.get $v11)
               )
               (v128.store offset=112
                (local.get $i0)
                (local.get $v8)
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
               (i32.const 80)
              )
             )
             (local.set $hi
              (i32.add
               (local.get $hi)
               (i32.const 16)
              )
             )
             (if
              (i32.gt_s
               (local.tee $i18
                (i32.sub
                 (local.get $i24)
                 (i32.const 1)
                )
               )
               (i32.const 0)
              )
              (then
               (loop $n20
                (local.set $v10
                 (if (result v128)
                  (local.get $i20)
                  (then
                   (local.set $v2
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v3
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v4
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v5
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v6
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v11
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (local.set $v8
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                   )
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (else
                   (local.set $v2
                    (v128.load offset=16
                     (local.get $i0)
                    )
                   )
                   (local.set $v3
                    (v128.load offset=32
                     (local.get $i0)
                    )
                   )
                   (local.set $v4
                    (v128.load offset=48
                     (local.get $i0)
                    )
                   )
                   (local.set $v5
                    (v128.load offset=64
                     (local.get $i0)
                    )
                   )
                   (local.set $v6
                    (v128.load offset=80
                     (local.get $i0)
                    )
                   )
                   (local.set $v11
                    (v128.load offset=96
                     (local.get $i0)
                    )
                   )
                   (local.set $v8
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
                (local.set $i15
                 (local.get $lo)
                )
                (local.set $i7
                 (local.get $i12)
                )
                (local.set $i13
                 (local.get $hi)
                )
                (if
                 (i32.gt_s
                  (local.get $i17)
                  (i32.const 0)
                 )
                 (then
                  (local.set $i28
                   (i32.add
                    (local.get $i7)
                    (i32.shl
                     (local.get $i17)
                     (i32.const 5)
                    )
                   )
                  )
                  (loop $k19
                   (local.set $v9
                    (v128.load
                     (local.get $i7)
                    )
                   )
                   (local.set $v16
                    (v128.load offset=16
                     (local.get $i7)
                    )
                   )
                   (v128.store
                    (local.get $i15)
                    (v128.load align=4
                     (local.get $i13)
                    )
                   )
                   (local.set $v10
                    (f32x4.add
                     (local.get $v10)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v2
                    (f32x4.add
                     (local.get $v2)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v3
                    (f32x4.add
                     (local.get $v3)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=4
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v4
                    (f32x4.add
                     (local.get $v4)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v5
                    (f32x4.add
                     (local.get $v5)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=8
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v6
                    (f32x4.add
                     (local.get $v6)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $v11
                    (f32x4.add
                     (local.get $v11)
                     (f32x4.mul
                      (local.tee $v14
                       (v128.load32_splat offset=12
                        (local.get $i13)
                       )
                      )
                      (local.get $v9)
                     )
                    )
                   )
                   (local.set $v8
                    (f32x4.add
                     (local.get $v8)
                     (f32x4.mul
                      (local.get $v14)
                      (local.get $v16)
                     )
                    )
                   )
                   (local.set $i15
                    (i32.add
                     (local.get $i15)
                     (i32.const 16)
                    )
                   )
                   (local.set $i13
                    (i32.add
                     (local.get $i13)
                     (i32.const 12)
                    )
                   )
                   (br_if $k19
                    (i32.ne
                     (local.get $i28)
                     (local.tee $i7
                      (i32.add
                       (local.get $i7)
                       (i32.const 32)
                      )
                     )
                    )
                   )
                  )
                 )
                )
                (if
                 (local.get $i21)
                 (then
                  (v128.store align=4
                   (local.get $i1)
                   (local.get $v10)
                  )
                  (v128.store32_lane offset=16 0
                   (local.get $i1)
                   (local.get $v2)
                  )
                  (v128.store offset=20 align=4
                   (local.get $i1)
                   (local.get $v3)
                  )
                  (v128.store32_lane offset=36 0
                   (local.get $i1)
                   (local.get $v4)
                  )
                  (v128.store offset=40 align=4
                   (local.get $i1)
                   (local.get $v5)
                  )
                  (v128.store32_lane offset=56 0
                   (local.get $i1)
                   (local.get $v6)
                  )
                  (v128.store offset=60 align=4
                   (local.get $i1)
                   (local.get $v11)
                  )
                  (v128.store32_lane offset=76 0
                   (local.get $i1)
                   (local.get $v8)
                  )
                 )
                 (else
                  (v128.store
                   (local.get $i0)
                   (local.get $v10)
                  )
                  (v128.store offset=16
                   (local.get $i0)
                   (local.get $v2)
                  )
                  (v128.store offset=32
                   (local.get $i0)
                   (local.get $v3)
                  )
                  (v128.store offset=48
                   (local.get $i0)
                   (local.get $v4)
                  )
                  (v128.store offset=64
                   (local.get $i0)
                   (local.get $v5)
                  )
                  (v128.store offset=80
                   (local.get $i0)
                   (local.get $v6)
                  )
                  (v128.store offset=96
                   (local.get $i0)
                   (local.get $v11)
                  )
                  (v128.store offset=112
                   (local.get $i0)
                   (local.get $v8)
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
                  (i32.const 80)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 16)
                 )
                )
                (br_if $n20
                 (i32.gt_s
                  (local.tee $i18
                   (i32.sub
                    (local.get $i18)
                    (i32.const 1)
                   )
                  )
                  (i32.const 0)
                 )
                )
               )
              )
             )
             (if
              (local.get $i26)
              (then
               (local.set $v10
                (if (result v128)
                 (local.get $i20)
                 (then
                  (local.set $v2
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v3
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v4
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v5
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (local.set $v6
                   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                  )
                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                 )
                 (else
                  (local.set $v2
                   (v128.load offset=16
                    (local.get $i0)
                   )
                  )
                  (local.set $v3
                   (v128.load offset=32
                    (local.get $i0)
                   )
                  )
                  (local.set $v4
                   (v128.load offset=48
                    (local.get $i0)
                   )
                  )
                  (local.set $v5
                   (v128.load offset=64
                    (local.get $i0)
                   )
                  )
                  (local.set $v6
                   (v128.load offset=80
                    (local.get $i0)
                   )
                  )
                  (v128.load
                   (local.get $i0)
                  )
                 )
                )
               )
               (if
                (i32.gt_s
                 (local.get $i17)
                 (i32.const 0)
                )
                (then
                 (local.set $i13
                  (i32.add
                   (local.get $i12)
                   (i32.shl
                    (local.get $i17)
                    (i32.const 5)
                   )
                  )
                 )
                 (loop $k21
                  (local.set $v11
                   (v128.load
                    (local.get $i12)
                   )
                  )
                  (local.set $v8
                   (v128.load offset=16
                    (local.get $i12)
                   )
                  )
                  (v128.store
                   (local.get $lo)
                   (v128.load32_lane offset=8 2
                    (local.get $hi)
                    (v128.load64_zero align=4
                     (local.get $hi)
                    )
                   )
                  )
                  (local.set $v10
                   (f32x4.add
                    (local.get $v10)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v2
                   (f32x4.add
                    (local.get $v2)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v3
                   (f32x4.add
                    (local.get $v3)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=4
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v4
                   (f32x4.add
                    (local.get $v4)
                    (f32x4.mul
                     (local.get $v9)
                     (local.get $v8)
                    )
                   )
                  )
                  (local.set $v5
                   (f32x4.add
                    (local.get $v5)
                    (f32x4.mul
                     (local.tee $v9
                      (v128.load32_splat offset=8
                       (local.get $hi)
                      )
                     )
                     (local.get $v11)
                    )
                   )
                  )
                  (local.set $v6
                   (f32x4.add
                    (local.get $v6)
                    (f32x4.mul
                     (local.get $v9)
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
                  (local.set $hi
                   (i32.add
                    (local.get $hi)
                    (i32.const 12)
                   )
                  )
                  (br_if $k21
                   (i32.ne
                    (local.get $i13)
                    (local.tee $i12
                     (i32.add
                      (local.get $i12)
                      (i32.const 32)
                     )
                    )
                   )
                  )
                 )
                )
               )
               (if
                (local.get $i21)
                (then
                 (v128.store align=4
                  (local.get $i1)
                  (local.get $v10)
                 )
                 (v128.store32_lane offset=16 0
                  (local.get $i1)
                  (local.get $v2)
                 )
                 (v128.store offset=20 align=4
                  (local.get $i1)
                  (local.get $v3)
                 )
                 (v128.store32_lane offset=36 0
                  (local.get $i1)
                  (local.get $v4)
                 )
                 (v128.store offset=40 align=4
                  (local.get $i1)
                  (local.get $v5)
                 )
                 (v128.store32_lane offset=56 0
                  (local.get $i1)
                  (local.get $v6)
                 )
                )
                (else
                 (v128.store
                  (local.get $i0)
                  (local.get $v10)
                 )
                 (v128.store offset=16
                  (local.get $i0)
                  (local.get $v2)
                 )
                 (v128.store offset=32
                  (local.get $i0)
                  (local.get $v3)
                 )
                 (v128.store offset=48
                  (local.get $i0)
                  (local.get $v4)
                 )
                 (v128.store offset=64
                  (local.get $i0)
                  (local.get $v5)
                 )
                 (v128.store offset=80
                  (local.get $i0)
                  (local.get $v6)
                 )
                )
               )
              )
             )
            )
            (else
             (local.set $v10
              (if (result v128)
               (local.get $i20)
               (then
                (local.set $v2
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v3
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v4
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v5
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (local.set $v6
                 (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
                )
                (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
               )
               (else
                (local.set $v2
                 (v128.load offset=16
                  (local.get $i0)
                 )
                )
                (local.set $v3
                 (v128.load offset=32
                  (local.get $i0)
                 )
                )
                (local.set $v4
                 (v128.load offset=48
                  (local.get $i0)
                 )
                )
                (local.set $v5
                 (v128.load offset=64
                  (local.get $i0)
                 )
                )
                (local.set $v6
                 (v128.load offset=80
                  (local.get $i0)
                 )
                )
                (v128.load
                 (local.get $i0)
                )
               )
              )
             )
             (local.set $i13
              (local.get $ws)
             )
             (if
              (i32.gt_s
               (local.get $i17)
               (i32.const 0)
              )
              (then
               (local.set $i7
                (i32.add
                 (local.get $i12)
                 (i32.shl
                  (local.get $i17)
                  (i32.const 5)
                 )
                )
               )
               (loop $k22
                (v128.store
                 (local.get $i12)
                 (local.tee $v11
                  (v128.load align=4
                   (local.get $lo)
                  )
                 )
                )
                (v128.store offset=16
                 (local.get $i12)
                 (local.tee $v8
                  (v128.load32_zero offset=16
                   (local.get $lo)
                  )
                 )
                )
                (v128.store
                 (local.get $i13)
                 (v128.load32_lane offset=8 2
                  (local.get $hi)
                  (v128.load64_zero align=4
                   (local.get $hi)
                  )
                 )
                )
                (local.set $v10
                 (f32x4.add
                  (local.get $v10)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v2
                 (f32x4.add
                  (local.get $v2)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v3
                 (f32x4.add
                  (local.get $v3)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat offset=4
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v4
                 (f32x4.add
                  (local.get $v4)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $v5
                 (f32x4.add
                  (local.get $v5)
                  (f32x4.mul
                   (local.tee $v9
                    (v128.load32_splat offset=8
                     (local.get $hi)
                    )
                   )
                   (local.get $v11)
                  )
                 )
                )
                (local.set $v6
                 (f32x4.add
                  (local.get $v6)
                  (f32x4.mul
                   (local.get $v9)
                   (local.get $v8)
                  )
                 )
                )
                (local.set $i13
                 (i32.add
                  (local.get $i13)
                  (i32.const 16)
                 )
                )
                (local.set $hi
                 (i32.add
                  (local.get $hi)
                  (i32.const 12)
                 )
                )
                (local.set $lo
                 (i32.add
                  (local.get $lo)
                  (i32.const 20)
                 )
                )
                (br_if $k22
                 (i32.ne
                  (local.get $i7)
                  (local.tee $i12
                   (i32.add
                    (local.get $i12)
                    (i32.const 32)
                   )
                  )
                 )
                )
               )
              )
             )
             (if
              (local.get $i21)
              (then
               (v128.store align=4
                (local.get $i1)
                (local.get $v10)
               )
               (v128.store32_lane offset=16 0
                (local.get $i1)
                (local.get $v2)
               )
               (v128.store offset=20 align=4
                (local.get $i1)
                (local.get $v3)
               )
               (v128.store32_lane offset=36 0
                (local.get $i1)
                (local.get $v4)
               )
               (v128.store offset=40 align=4
                (local.get $i1)
                (local.get $v5)
               )
               (v128.store32_lane offset=56 0
                (local.get $i1)
                (local.get $v6)
               )
              )
              (else
               (v128.store
                (local.get $i0)
                (local.get $v10)
               )
               (v128.store offset=16
                (local.get $i0)
                (local.get $v2)
               )
               (v128.store offset=32
                (local.get $i0)
                (local.get $v3)
               )
               (v128.store offset=48
                (local.get $i0)
                (local.get $v4)
               )
               (v128.store offset=64
                (local.get $i0)
                (local.get $v5)
               )
               (v128.store offset=80
                (local.get $i0)
                (local.get $v6)
               )
              )
             )
            )
           )
          )
         )
         (br_if $chunk0
          (i32.lt_s
           (local.tee $i23
            (i32.sub
             (local.get $i23)
             (i32.const -64)
            )
           )
           (local.get $m)
          )
         )
        )
        (local.set $i19
         (i32.add
          (local.get $i19)
          (i32.const 8)
         )
        )
        (br $top24)
       )
      )
     )
     (local.set $i22
      (i32.add
       (local.get $i22)
       (i32.const 1)
      )
     )
     (br $top26)
    )
   )
  )
 )
)
