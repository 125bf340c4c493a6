(module
 (type $0 (func (param i32 i32 i32 i32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32 i32)))
 (type $2 (func (param i32 i32 i32 i32)))
 (type $3 (func (param i32 i32)))
 (type $4 (func (param i32 i32 i32 i32) (result f32)))
 (type $5 (func (param i32 i32 i32)))
 (import "env" "memory" (memory $memory 1 65536))
 (export "sgd_0_32_0p1" (func $sgd_0_32_0p1))
 (export "gemm_nn_3x5_bias_relu" (func $gemm_nn_3x5_bias_relu))
 (export "gemm_nn_5x2_bias" (func $gemm_nn_5x2_bias))
 (export "loss_mse_1_batched_2" (func $loss_mse_1_batched_2))
 (export "loss_grad_mse_1_batched_2" (func $loss_grad_mse_1_batched_2))
 (export "gemm_nt_5x2" (func $gemm_nt_5x2))
 (export "gemm_tn_5x2" (func $gemm_tn_5x2))
 (export "sum_rows_1_batched_2" (func $sum_rows_1_batched_2))
 (export "act_bias_relu_grad_1_batched_5" (func $act_bias_relu_grad_1_batched_5))
 (export "gemm_tn_3x5" (func $gemm_tn_3x5))
 (func $sgd_0_32_0p1 (param $0 i32) (param $1 i32)
  (v128.store align=4
   (local.get $0)
   (f32x4.sub
    (v128.load align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=16 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=16 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=16 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=32 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=32 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=32 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=48 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=48 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=48 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=64 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=64 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=64 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=80 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=80 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=80 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=96 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=96 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=96 align=4
      (local.get $1)
     )
    )
   )
  )
  (v128.store offset=112 align=4
   (local.get $0)
   (f32x4.sub
    (v128.load offset=112 align=4
     (local.get $0)
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (v128.load offset=112 align=4
      (local.get $1)
     )
    )
   )
  )
 )
 (func $gemm_nn_3x5_bias_relu (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 v128)
  (local $13 v128)
  (local $14 i32)
  (local $15 v128)
  (local $16 i32)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  (local $22 v128)
  (local $23 v128)
  (local $24 v128)
  (local $25 i32)
  (local.set $5
   (i32.and
    (i32.add
     (local.get $5)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (loop $top8
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $14)
     )
    )
    (then
     (local.set $25
      (select
       (local.tee $8
        (i32.sub
         (local.get $14)
         (i32.const -64)
        )
       )
       (local.get $0)
       (i32.gt_s
        (local.get $0)
        (local.get $8)
       )
      )
     )
     (local.set $9
      (local.get $2)
     )
     (local.set $8
      (local.get $5)
     )
     (local.set $6
      (i32.const 3)
     )
     (loop $cnt0
      (v128.store
       (local.get $8)
       (v128.load align=4
        (local.get $9)
       )
      )
      (v128.store offset=16
       (local.get $8)
       (v128.load32_zero offset=16
        (local.get $9)
       )
      )
      (local.set $9
       (i32.add
        (local.get $9)
        (i32.const 20)
       )
      )
      (local.set $8
       (i32.add
        (local.get $8)
        (i32.const 32)
       )
      )
      (br_if $cnt0
       (local.tee $6
        (i32.sub
         (local.get $6)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $8
      (i32.add
       (local.get $1)
       (i32.mul
        (local.tee $9
         (local.get $14)
        )
        (i32.const 12)
       )
      )
     )
     (local.set $7
      (i32.add
       (local.get $3)
       (i32.mul
        (local.get $9)
        (i32.const 20)
       )
      )
     )
     (local.set $10
      (local.get $4)
     )
     (loop $top3
      (if
       (i32.eqz
        (i32.lt_s
         (local.get $25)
         (i32.add
          (local.get $9)
          (i32.const 4)
         )
        )
       )
       (then
        (local.set $12
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $13
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $15
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $19
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $20
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $21
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $22
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $23
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $6
         (local.get $8)
        )
        (local.set $11
         (local.get $5)
        )
        (local.set $16
         (i32.const 3)
        )
        (loop $k1
         (local.set $12
          (f32x4.add
           (local.get $12)
           (f32x4.mul
            (local.tee $17
             (v128.load32_splat
              (local.get $6)
             )
            )
            (local.tee $24
             (v128.load align=4
              (local.get $11)
             )
            )
           )
          )
         )
         (local.set $13
          (f32x4.add
           (local.get $13)
           (f32x4.mul
            (local.get $17)
            (local.tee $17
             (v128.load offset=16 align=4
              (local.get $11)
             )
            )
           )
          )
         )
         (local.set $15
          (f32x4.add
           (local.get $15)
           (f32x4.mul
            (local.tee $18
             (v128.load32_splat offset=12
              (local.get $6)
             )
            )
            (local.get $24)
           )
          )
         )
         (local.set $19
          (f32x4.add
           (local.get $19)
           (f32x4.mul
            (local.get $18)
            (local.get $17)
           )
          )
         )
         (local.set $20
          (f32x4.add
           (local.get $20)
           (f32x4.mul
            (local.tee $18
             (v128.load32_splat offset=24
              (local.get $6)
             )
            )
            (local.get $24)
           )
          )
         )
         (local.set $21
          (f32x4.add
           (local.get $21)
           (f32x4.mul
            (local.get $18)
            (local.get $17)
           )
          )
         )
         (local.set $22
          (f32x4.add
           (local.get $22)
           (f32x4.mul
            (local.tee $18
             (v128.load32_splat offset=36
              (local.get $6)
             )
            )
            (local.get $24)
           )
          )
         )
         (local.set $23
          (f32x4.add
           (local.get $23)
           (f32x4.mul
            (local.get $18)
            (local.get $17)
           )
          )
         )
         (local.set $6
          (i32.add
           (local.get $6)
           (i32.const 4)
          )
         )
         (local.set $11
          (i32.add
           (local.get $11)
           (i32.const 32)
          )
         )
         (br_if $k1
          (i32.gt_s
           (local.tee $16
            (i32.sub
             (local.get $16)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $12)
           (v128.load align=4
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store32_lane offset=16 0
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $13)
           (v128.load32_zero offset=16
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store offset=20 align=4
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $15)
           (v128.load align=4
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store32_lane offset=36 0
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $19)
           (v128.load32_zero offset=16
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store offset=40 align=4
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $20)
           (v128.load align=4
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store32_lane offset=56 0
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $21)
           (v128.load32_zero offset=16
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store offset=60 align=4
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $22)
           (v128.load align=4
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store32_lane offset=76 0
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $23)
           (v128.load32_zero offset=16
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (local.set $9
         (i32.add
          (local.get $9)
          (i32.const 4)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 48)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
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
         (local.get $9)
         (local.get $25)
        )
       )
       (then
        (local.set $12
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $13
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $11
         (local.get $8)
        )
        (local.set $6
         (local.get $5)
        )
        (local.set $16
         (i32.const 3)
        )
        (loop $k4
         (local.set $12
          (f32x4.add
           (local.get $12)
           (f32x4.mul
            (local.tee $15
             (v128.load32_splat
              (local.get $11)
             )
            )
            (v128.load align=4
             (local.get $6)
            )
           )
          )
         )
         (local.set $13
          (f32x4.add
           (local.get $13)
           (f32x4.mul
            (local.get $15)
            (v128.load offset=16 align=4
             (local.get $6)
            )
           )
          )
         )
         (local.set $11
          (i32.add
           (local.get $11)
           (i32.const 4)
          )
         )
         (local.set $6
          (i32.add
           (local.get $6)
           (i32.const 32)
          )
         )
         (br_if $k4
          (i32.gt_s
           (local.tee $16
            (i32.sub
             (local.get $16)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $12)
           (v128.load align=4
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (v128.store32_lane offset=16 0
         (local.get $7)
         (f32x4.max
          (f32x4.add
           (local.get $13)
           (v128.load32_zero offset=16
            (local.get $10)
           )
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
        (local.set $9
         (i32.add
          (local.get $9)
          (i32.const 1)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 12)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
          (i32.const 20)
         )
        )
        (br $top6)
       )
      )
     )
     (local.set $14
      (i32.sub
       (local.get $14)
       (i32.const -64)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_nn_5x2_bias (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 v128)
  (local $11 i32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 i32)
  (local.set $5
   (i32.and
    (i32.add
     (local.get $5)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (loop $top8
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $12)
     )
    )
    (then
     (local.set $19
      (select
       (local.tee $6
        (i32.sub
         (local.get $12)
         (i32.const -64)
        )
       )
       (local.get $0)
       (i32.gt_s
        (local.get $0)
        (local.get $6)
       )
      )
     )
     (local.set $8
      (local.get $2)
     )
     (local.set $6
      (local.get $5)
     )
     (local.set $7
      (i32.const 5)
     )
     (loop $cnt0
      (v128.store
       (local.get $6)
       (v128.load64_zero align=4
        (local.get $8)
       )
      )
      (v128.store offset=16
       (local.get $6)
       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
      )
      (local.set $8
       (i32.add
        (local.get $8)
        (i32.const 8)
       )
      )
      (local.set $6
       (i32.add
        (local.get $6)
        (i32.const 32)
       )
      )
      (br_if $cnt0
       (local.tee $7
        (i32.sub
         (local.get $7)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $6
      (i32.add
       (local.get $1)
       (i32.mul
        (local.tee $8
         (local.get $12)
        )
        (i32.const 20)
       )
      )
     )
     (local.set $9
      (i32.add
       (local.get $3)
       (i32.shl
        (local.get $8)
        (i32.const 3)
       )
      )
     )
     (local.set $13
      (local.get $4)
     )
     (loop $top3
      (if
       (i32.eqz
        (i32.lt_s
         (local.get $19)
         (i32.add
          (local.get $8)
          (i32.const 4)
         )
        )
       )
       (then
        (local.set $10
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $15
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $16
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $17
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $7
         (local.get $6)
        )
        (local.set $11
         (local.get $5)
        )
        (local.set $14
         (i32.const 5)
        )
        (loop $k1
         (local.set $10
          (f32x4.add
           (local.get $10)
           (f32x4.mul
            (v128.load32_splat
             (local.get $7)
            )
            (local.tee $18
             (v128.load align=4
              (local.get $11)
             )
            )
           )
          )
         )
         (local.set $15
          (f32x4.add
           (local.get $15)
           (f32x4.mul
            (v128.load32_splat offset=20
             (local.get $7)
            )
            (local.get $18)
           )
          )
         )
         (local.set $16
          (f32x4.add
           (local.get $16)
           (f32x4.mul
            (v128.load32_splat offset=40
             (local.get $7)
            )
            (local.get $18)
           )
          )
         )
         (local.set $17
          (f32x4.add
           (local.get $17)
           (f32x4.mul
            (v128.load32_splat offset=60
             (local.get $7)
            )
            (local.get $18)
           )
          )
         )
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.const 4)
          )
         )
         (local.set $11
          (i32.add
           (local.get $11)
           (i32.const 32)
          )
         )
         (br_if $k1
          (i32.gt_s
           (local.tee $14
            (i32.sub
             (local.get $14)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store64_lane align=4 0
         (local.get $9)
         (f32x4.add
          (local.get $10)
          (v128.load64_zero align=4
           (local.get $13)
          )
         )
        )
        (v128.store64_lane offset=8 align=4 0
         (local.get $9)
         (f32x4.add
          (local.get $15)
          (v128.load64_zero align=4
           (local.get $13)
          )
         )
        )
        (v128.store64_lane offset=16 align=4 0
         (local.get $9)
         (f32x4.add
          (local.get $16)
          (v128.load64_zero align=4
           (local.get $13)
          )
         )
        )
        (v128.store64_lane offset=24 align=4 0
         (local.get $9)
         (f32x4.add
          (local.get $17)
          (v128.load64_zero align=4
           (local.get $13)
          )
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 4)
         )
        )
        (local.set $6
         (i32.add
          (local.get $6)
          (i32.const 80)
         )
        )
        (local.set $9
         (i32.add
          (local.get $9)
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
         (local.get $8)
         (local.get $19)
        )
       )
       (then
        (local.set $10
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $7
         (local.get $6)
        )
        (local.set $11
         (local.get $5)
        )
        (local.set $14
         (i32.const 5)
        )
        (loop $k4
         (local.set $10
          (f32x4.add
           (local.get $10)
           (f32x4.mul
            (v128.load32_splat
             (local.get $7)
            )
            (v128.load align=4
             (local.get $11)
            )
           )
          )
         )
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.const 4)
          )
         )
         (local.set $11
          (i32.add
           (local.get $11)
           (i32.const 32)
          )
         )
         (br_if $k4
          (i32.gt_s
           (local.tee $14
            (i32.sub
             (local.get $14)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store64_lane align=4 0
         (local.get $9)
         (f32x4.add
          (local.get $10)
          (v128.load64_zero align=4
           (local.get $13)
          )
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 1)
         )
        )
        (local.set $6
         (i32.add
          (local.get $6)
          (i32.const 20)
         )
        )
        (local.set $9
         (i32.add
          (local.get $9)
          (i32.const 8)
         )
        )
        (br $top6)
       )
      )
     )
     (local.set $12
      (i32.sub
       (local.get $12)
       (i32.const -64)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $loss_mse_1_batched_2 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result f32)
  (local $4 v128)
  (local $5 v128)
  (local $6 i32)
  (local $7 v128)
  (local $8 v128)
  (local $9 f32)
  (local.set $6
   (i32.shl
    (local.get $0)
    (i32.const 1)
   )
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.lt_s
      (local.get $6)
      (i32.const 4)
     )
    )
    (then
     (local.set $4
      (f64x2.add
       (local.get $4)
       (f64x2.mul
        (local.tee $4
         (f64x2.sub
          (f64x2.promote_low_f32x4
           (local.tee $7
            (v128.load align=4
             (local.get $1)
            )
           )
          )
          (f64x2.promote_low_f32x4
           (local.tee $8
            (v128.load align=4
             (local.get $2)
            )
           )
          )
         )
        )
        (local.get $4)
       )
      )
     )
     (local.set $5
      (f64x2.add
       (local.get $5)
       (f64x2.mul
        (local.tee $5
         (f64x2.sub
          (f64x2.promote_low_f32x4
           (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $7)
            (local.get $7)
           )
          )
          (f64x2.promote_low_f32x4
           (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $8)
            (local.get $8)
           )
          )
         )
        )
        (local.get $5)
       )
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 16)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 16)
      )
     )
     (local.set $6
      (i32.sub
       (local.get $6)
       (i32.const 4)
      )
     )
     (br $top1)
    )
   )
  )
  (f32.store
   (local.get $3)
   (local.tee $9
    (f32.demote_f64
     (f64.div
      (f64x2.extract_lane 0
       (f64x2.add
        (local.tee $4
         (f64x2.add
          (if (result v128)
           (i32.eq
            (local.get $6)
            (i32.const 2)
           )
           (then
            (f64x2.add
             (local.get $4)
             (f64x2.mul
              (local.tee $4
               (f64x2.sub
                (f64x2.promote_low_f32x4
                 (v128.load64_zero align=4
                  (local.get $1)
                 )
                )
                (f64x2.promote_low_f32x4
                 (v128.load64_zero align=4
                  (local.get $2)
                 )
                )
               )
              )
              (local.get $4)
             )
            )
           )
           (else
            (local.get $4)
           )
          )
          (local.get $5)
         )
        )
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
         (local.get $4)
         (local.get $4)
        )
       )
      )
      (f64.convert_i32_s
       (i32.shl
        (local.get $0)
        (i32.const 1)
       )
      )
     )
    )
   )
  )
  (local.get $9)
 )
 (func $loss_grad_mse_1_batched_2 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 v128)
  (local.set $5
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (f64.mul
       (f64.promote_f32
        (f32.load
         (local.get $4)
        )
       )
       (f64.const 2)
      )
      (f64.convert_i32_s
       (local.tee $0
        (i32.shl
         (local.get $0)
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
      (local.get $0)
      (i32.const 8)
     )
    )
    (then
     (v128.store align=4
      (local.get $1)
      (f32x4.mul
       (local.get $5)
       (f32x4.sub
        (v128.load align=4
         (local.get $2)
        )
        (v128.load align=4
         (local.get $3)
        )
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $1)
      (f32x4.mul
       (local.get $5)
       (f32x4.sub
        (v128.load offset=16 align=4
         (local.get $2)
        )
        (v128.load offset=16 align=4
         (local.get $3)
        )
       )
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 32)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 32)
      )
     )
     (local.set $3
      (i32.add
       (local.get $3)
       (i32.const 32)
      )
     )
     (local.set $0
      (i32.sub
       (local.get $0)
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
      (local.get $0)
      (i32.const 4)
     )
    )
    (then
     (v128.store align=4
      (local.get $1)
      (f32x4.mul
       (local.get $5)
       (f32x4.sub
        (v128.load align=4
         (local.get $2)
        )
        (v128.load align=4
         (local.get $3)
        )
       )
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 16)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 16)
      )
     )
     (local.set $3
      (i32.add
       (local.get $3)
       (i32.const 16)
      )
     )
     (local.set $0
      (i32.sub
       (local.get $0)
       (i32.const 4)
      )
     )
     (br $top3)
    )
   )
  )
  (if
   (i32.eq
    (local.get $0)
    (i32.const 2)
   )
   (then
    (v128.store64_lane align=4 0
     (local.get $1)
     (f32x4.mul
      (local.get $5)
      (f32x4.sub
       (v128.load64_zero align=4
        (local.get $2)
       )
       (v128.load64_zero align=4
        (local.get $3)
       )
      )
     )
    )
   )
  )
 )
 (func $gemm_nt_5x2 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 v128)
  (local $11 v128)
  (local $12 i32)
  (local $13 v128)
  (local $14 i32)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  (local $22 v128)
  (local $23 i32)
  (local.set $4
   (i32.and
    (i32.add
     (local.get $4)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (loop $top8
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $12)
     )
    )
    (then
     (local.set $23
      (select
       (local.tee $8
        (i32.sub
         (local.get $12)
         (i32.const -64)
        )
       )
       (local.get $0)
       (i32.gt_s
        (local.get $0)
        (local.get $8)
       )
      )
     )
     (local.set $5
      (local.get $2)
     )
     (local.set $8
      (local.get $4)
     )
     (local.set $6
      (i32.const 2)
     )
     (loop $cnt0
      (v128.store
       (local.get $8)
       (f32x4.replace_lane 3
        (f32x4.replace_lane 2
         (f32x4.replace_lane 1
          (f32x4.replace_lane 0
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
           (f32.load
            (local.get $5)
           )
          )
          (f32.load offset=8
           (local.get $5)
          )
         )
         (f32.load offset=16
          (local.get $5)
         )
        )
        (f32.load offset=24
         (local.get $5)
        )
       )
      )
      (v128.store offset=16
       (local.get $8)
       (f32x4.replace_lane 0
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (f32.load offset=32
         (local.get $5)
        )
       )
      )
      (local.set $5
       (i32.add
        (local.get $5)
        (i32.const 4)
       )
      )
      (local.set $8
       (i32.add
        (local.get $8)
        (i32.const 32)
       )
      )
      (br_if $cnt0
       (local.tee $6
        (i32.sub
         (local.get $6)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $8
      (i32.add
       (local.get $1)
       (i32.shl
        (local.tee $5
         (local.get $12)
        )
        (i32.const 3)
       )
      )
     )
     (local.set $7
      (i32.add
       (local.get $3)
       (i32.mul
        (local.get $5)
        (i32.const 20)
       )
      )
     )
     (loop $top3
      (if
       (i32.eqz
        (i32.lt_s
         (local.get $23)
         (i32.add
          (local.get $5)
          (i32.const 4)
         )
        )
       )
       (then
        (local.set $10
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $11
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $13
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $17
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $18
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $19
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $20
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $21
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $6
         (local.get $8)
        )
        (local.set $9
         (local.get $4)
        )
        (local.set $14
         (i32.const 2)
        )
        (loop $k1
         (local.set $10
          (f32x4.add
           (local.get $10)
           (f32x4.mul
            (local.tee $15
             (v128.load32_splat
              (local.get $6)
             )
            )
            (local.tee $22
             (v128.load align=4
              (local.get $9)
             )
            )
           )
          )
         )
         (local.set $11
          (f32x4.add
           (local.get $11)
           (f32x4.mul
            (local.get $15)
            (local.tee $15
             (v128.load offset=16 align=4
              (local.get $9)
             )
            )
           )
          )
         )
         (local.set $13
          (f32x4.add
           (local.get $13)
           (f32x4.mul
            (local.tee $16
             (v128.load32_splat offset=8
              (local.get $6)
             )
            )
            (local.get $22)
           )
          )
         )
         (local.set $17
          (f32x4.add
           (local.get $17)
           (f32x4.mul
            (local.get $16)
            (local.get $15)
           )
          )
         )
         (local.set $18
          (f32x4.add
           (local.get $18)
           (f32x4.mul
            (local.tee $16
             (v128.load32_splat offset=16
              (local.get $6)
             )
            )
            (local.get $22)
           )
          )
         )
         (local.set $19
          (f32x4.add
           (local.get $19)
           (f32x4.mul
            (local.get $16)
            (local.get $15)
           )
          )
         )
         (local.set $20
          (f32x4.add
           (local.get $20)
           (f32x4.mul
            (local.tee $16
             (v128.load32_splat offset=24
              (local.get $6)
             )
            )
            (local.get $22)
           )
          )
         )
         (local.set $21
          (f32x4.add
           (local.get $21)
           (f32x4.mul
            (local.get $16)
            (local.get $15)
           )
          )
         )
         (local.set $6
          (i32.add
           (local.get $6)
           (i32.const 4)
          )
         )
         (local.set $9
          (i32.add
           (local.get $9)
           (i32.const 32)
          )
         )
         (br_if $k1
          (i32.gt_s
           (local.tee $14
            (i32.sub
             (local.get $14)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $7)
         (local.get $10)
        )
        (v128.store32_lane offset=16 0
         (local.get $7)
         (local.get $11)
        )
        (v128.store offset=20 align=4
         (local.get $7)
         (local.get $13)
        )
        (v128.store32_lane offset=36 0
         (local.get $7)
         (local.get $17)
        )
        (v128.store offset=40 align=4
         (local.get $7)
         (local.get $18)
        )
        (v128.store32_lane offset=56 0
         (local.get $7)
         (local.get $19)
        )
        (v128.store offset=60 align=4
         (local.get $7)
         (local.get $20)
        )
        (v128.store32_lane offset=76 0
         (local.get $7)
         (local.get $21)
        )
        (local.set $5
         (i32.add
          (local.get $5)
          (i32.const 4)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 32)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
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
         (local.get $5)
         (local.get $23)
        )
       )
       (then
        (local.set $10
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $11
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $9
         (local.get $8)
        )
        (local.set $6
         (local.get $4)
        )
        (local.set $14
         (i32.const 2)
        )
        (loop $k4
         (local.set $10
          (f32x4.add
           (local.get $10)
           (f32x4.mul
            (local.tee $13
             (v128.load32_splat
              (local.get $9)
             )
            )
            (v128.load align=4
             (local.get $6)
            )
           )
          )
         )
         (local.set $11
          (f32x4.add
           (local.get $11)
           (f32x4.mul
            (local.get $13)
            (v128.load offset=16 align=4
             (local.get $6)
            )
           )
          )
         )
         (local.set $9
          (i32.add
           (local.get $9)
           (i32.const 4)
          )
         )
         (local.set $6
          (i32.add
           (local.get $6)
           (i32.const 32)
          )
         )
         (br_if $k4
          (i32.gt_s
           (local.tee $14
            (i32.sub
             (local.get $14)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $7)
         (local.get $10)
        )
        (v128.store32_lane offset=16 0
         (local.get $7)
         (local.get $11)
        )
        (local.set $5
         (i32.add
          (local.get $5)
          (i32.const 1)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 8)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
          (i32.const 20)
         )
        )
        (br $top6)
       )
      )
     )
     (local.set $12
      (i32.sub
       (local.get $12)
       (i32.const -64)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_tn_5x2 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32)
  (local $4 v128)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 v128)
  (local $9 v128)
  (local $10 v128)
  (local $11 i32)
  (local $12 v128)
  (local $13 i32)
  (local $14 i32)
  (local.set $13
   (i32.const 1)
  )
  (loop $cnt1
   (local.set $7
    (i32.add
     (local.get $3)
     (i32.shl
      (local.get $5)
      (i32.const 3)
     )
    )
   )
   (local.set $4
    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
   )
   (local.set $8
    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
   )
   (local.set $9
    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
   )
   (local.set $10
    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
   )
   (local.set $6
    (i32.add
     (local.get $1)
     (i32.shl
      (local.get $5)
      (i32.const 2)
     )
    )
   )
   (local.set $11
    (local.get $2)
   )
   (if
    (i32.gt_s
     (local.tee $14
      (local.get $0)
     )
     (i32.const 0)
    )
    (then
     (loop $k0
      (local.set $4
       (f32x4.add
        (local.get $4)
        (f32x4.mul
         (v128.load32_splat
          (local.get $6)
         )
         (local.tee $12
          (v128.load64_zero align=4
           (local.get $11)
          )
         )
        )
       )
      )
      (local.set $8
       (f32x4.add
        (local.get $8)
        (f32x4.mul
         (v128.load32_splat offset=4
          (local.get $6)
         )
         (local.get $12)
        )
       )
      )
      (local.set $9
       (f32x4.add
        (local.get $9)
        (f32x4.mul
         (v128.load32_splat offset=8
          (local.get $6)
         )
         (local.get $12)
        )
       )
      )
      (local.set $10
       (f32x4.add
        (local.get $10)
        (f32x4.mul
         (v128.load32_splat offset=12
          (local.get $6)
         )
         (local.get $12)
        )
       )
      )
      (local.set $6
       (i32.add
        (local.get $6)
        (i32.const 20)
       )
      )
      (local.set $11
       (i32.add
        (local.get $11)
        (i32.const 8)
       )
      )
      (br_if $k0
       (i32.gt_s
        (local.tee $14
         (i32.sub
          (local.get $14)
          (i32.const 1)
         )
        )
        (i32.const 0)
       )
      )
     )
    )
   )
   (v128.store64_lane align=4 0
    (local.get $7)
    (local.get $4)
   )
   (v128.store64_lane offset=8 align=4 0
    (local.get $7)
    (local.get $8)
   )
   (v128.store64_lane offset=16 align=4 0
    (local.get $7)
    (local.get $9)
   )
   (v128.store64_lane offset=24 align=4 0
    (local.get $7)
    (local.get $10)
   )
   (local.set $5
    (i32.add
     (local.get $5)
     (i32.const 4)
    )
   )
   (br_if $cnt1
    (local.tee $13
     (i32.sub
      (local.get $13)
      (i32.const 1)
     )
    )
   )
  )
  (local.set $3
   (i32.add
    (local.get $3)
    (i32.shl
     (local.get $5)
     (i32.const 3)
    )
   )
  )
  (local.set $4
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (local.set $1
   (i32.add
    (local.get $1)
    (i32.shl
     (local.get $5)
     (i32.const 2)
    )
   )
  )
  (if
   (i32.gt_s
    (local.get $0)
    (i32.const 0)
   )
   (then
    (loop $k2
     (local.set $4
      (f32x4.add
       (local.get $4)
       (f32x4.mul
        (v128.load32_splat
         (local.get $1)
        )
        (v128.load64_zero align=4
         (local.get $2)
        )
       )
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 20)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 8)
      )
     )
     (br_if $k2
      (i32.gt_s
       (local.tee $0
        (i32.sub
         (local.get $0)
         (i32.const 1)
        )
       )
       (i32.const 0)
      )
     )
    )
   )
  )
  (v128.store64_lane align=4 0
   (local.get $3)
   (local.get $4)
  )
 )
 (func $sum_rows_1_batched_2 (param $0 i32) (param $1 i32) (param $2 i32)
  (local $3 v128)
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (i32.const 0)
     )
    )
    (then
     (local.set $3
      (f32x4.add
       (local.get $3)
       (v128.load64_zero align=4
        (local.get $2)
       )
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 8)
      )
     )
     (local.set $0
      (i32.sub
       (local.get $0)
       (i32.const 1)
      )
     )
     (br $top1)
    )
   )
  )
  (v128.store64_lane align=4 0
   (local.get $1)
   (local.get $3)
  )
 )
 (func $act_bias_relu_grad_1_batched_5 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 v128)
  (v128.store align=4
   (local.get $4)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (v128.store32_lane offset=16 0
   (local.get $4)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (i32.const 0)
     )
    )
    (then
     (v128.store align=4
      (local.get $1)
      (local.tee $5
       (v128.and
        (v128.load align=4
         (local.get $2)
        )
        (f32x4.gt
         (v128.load align=4
          (local.get $3)
         )
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $4)
      (f32x4.add
       (v128.load align=4
        (local.get $4)
       )
       (local.get $5)
      )
     )
     (v128.store32_lane offset=16 0
      (local.get $1)
      (local.tee $5
       (v128.and
        (v128.load32_zero offset=16
         (local.get $2)
        )
        (f32x4.gt
         (v128.load32_zero offset=16
          (local.get $3)
         )
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
       )
      )
     )
     (v128.store32_lane offset=16 0
      (local.get $4)
      (f32x4.add
       (v128.load32_zero offset=16
        (local.get $4)
       )
       (local.get $5)
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 20)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 20)
      )
     )
     (local.set $3
      (i32.add
       (local.get $3)
       (i32.const 20)
      )
     )
     (local.set $0
      (i32.sub
       (local.get $0)
       (i32.const 1)
      )
     )
     (br $top1)
    )
   )
  )
 )
 (func $gemm_tn_3x5 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32)
  (local $4 v128)
  (local $5 v128)
  (local $6 v128)
  (local $7 v128)
  (local $8 v128)
  (local $9 v128)
  (local $10 v128)
  (local $11 v128)
  (local $12 v128)
  (if
   (i32.gt_s
    (local.get $0)
    (i32.const 0)
   )
   (then
    (loop $k0
     (local.set $5
      (f32x4.add
       (local.get $5)
       (f32x4.mul
        (local.tee $4
         (v128.load32_splat
          (local.get $1)
         )
        )
        (local.tee $12
         (v128.load align=4
          (local.get $2)
         )
        )
       )
      )
     )
     (local.set $6
      (f32x4.add
       (local.get $6)
       (f32x4.mul
        (local.get $4)
        (local.tee $4
         (v128.load32_zero offset=16
          (local.get $2)
         )
        )
       )
      )
     )
     (local.set $7
      (f32x4.add
       (local.get $7)
       (f32x4.mul
        (local.tee $11
         (v128.load32_splat offset=4
          (local.get $1)
         )
        )
        (local.get $12)
       )
      )
     )
     (local.set $8
      (f32x4.add
       (local.get $8)
       (f32x4.mul
        (local.get $11)
        (local.get $4)
       )
      )
     )
     (local.set $9
      (f32x4.add
       (local.get $9)
       (f32x4.mul
        (local.tee $11
         (v128.load32_splat offset=8
          (local.get $1)
         )
        )
        (local.get $12)
       )
      )
     )
     (local.set $10
      (f32x4.add
       (local.get $10)
       (f32x4.mul
        (local.get $11)
        (local.get $4)
       )
      )
     )
     (local.set $1
      (i32.add
       (local.get $1)
       (i32.const 12)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 20)
      )
     )
     (br_if $k0
      (i32.gt_s
       (local.tee $0
        (i32.sub
         (local.get $0)
         (i32.const 1)
        )
       )
       (i32.const 0)
      )
     )
    )
   )
  )
  (v128.store align=4
   (local.get $3)
   (local.get $5)
  )
  (v128.store32_lane offset=16 0
   (local.get $3)
   (local.get $6)
  )
  (v128.store offset=20 align=4
   (local.get $3)
   (local.get $7)
  )
  (v128.store32_lane offset=36 0
   (local.get $3)
   (local.get $8)
  )
  (v128.store offset=40 align=4
   (local.get $3)
   (local.get $9)
  )
  (v128.store32_lane offset=56 0
   (local.get $3)
   (local.get $10)
  )
 )
)
