(module
 (type $0 (func (param i32 i32 i32)))
 (type $1 (func (param i32 i32 i32 i32 i32 i32)))
 (type $2 (func (param i32 i32 i32 i32 i32)))
 (type $3 (func (param i32 i32 i32 i32)))
 (type $4 (func (param i32 i32 i32 i32 f64 f64)))
 (type $5 (func (param i32 i32 i32 i32 i32 i32 i32)))
 (import "env" "memory" (memory $memory 1 65536))
 (export "adam_0_35_0p001_0p9_0p999_1em7" (func $adam_0_35_0p001_0p9_0p999_1em7))
 (export "conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax" (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax))
 (export "gemm_nn_4x3_bias" (func $gemm_nn_4x3_bias))
 (export "gemm_nt_4x3" (func $gemm_nt_4x3))
 (export "gemm_tn_4x3" (func $gemm_tn_4x3))
 (export "sum_rows_1_batched_3" (func $sum_rows_1_batched_3))
 (export "maxpool2d_grad_relu_3x3x4_k3x3_s3x3_fromArgmax_reluMask" (func $maxpool2d_grad_relu_3x3x4_k3x3_s3x3_fromArgmax_reluMask))
 (export "conv2d_grad_kernel_4x4x1_k2x2_s1x1_4" (func $conv2d_grad_kernel_4x4x1_k2x2_s1x1_4))
 (export "sum_rows_9_batched_4" (func $sum_rows_9_batched_4))
 (export "conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3" (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3))
 (export "softmax_1_batched_3_1" (func $softmax_1_batched_3_1))
 (func $adam_0_35_0p001_0p9_0p999_1em7 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 f64) (param $5 f64)
  (local $6 v128)
  (local $7 v128)
  (local $8 v128)
  (local $9 v128)
  (local $10 i32)
  (local.set $8
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (f64.const 0.001)
      (local.get $4)
     )
    )
   )
  )
  (local.set $9
   (f32x4.splat
    (f32.demote_f64
     (f64.div
      (f64.const 1)
      (local.get $5)
     )
    )
   )
  )
  (local.set $10
   (i32.const 4)
  )
  (loop $cnt0
   (local.set $7
    (f32x4.add
     (f32x4.mul
      (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
      (v128.load align=4
       (local.get $2)
      )
     )
     (f32x4.mul
      (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
      (local.tee $6
       (v128.load align=4
        (local.get $1)
       )
      )
     )
    )
   )
   (local.set $6
    (f32x4.add
     (f32x4.mul
      (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
      (v128.load align=4
       (local.get $3)
      )
     )
     (f32x4.mul
      (f32x4.mul
       (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
       (local.get $6)
      )
      (local.get $6)
     )
    )
   )
   (v128.store align=4
    (local.get $2)
    (local.get $7)
   )
   (v128.store align=4
    (local.get $3)
    (local.get $6)
   )
   (v128.store align=4
    (local.get $0)
    (f32x4.sub
     (v128.load align=4
      (local.get $0)
     )
     (f32x4.div
      (f32x4.mul
       (local.get $8)
       (local.get $7)
      )
      (f32x4.add
       (f32x4.sqrt
        (f32x4.mul
         (local.get $6)
         (local.get $9)
        )
       )
       (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
      )
     )
    )
   )
   (local.set $7
    (f32x4.add
     (f32x4.mul
      (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
      (v128.load offset=16 align=4
       (local.get $2)
      )
     )
     (f32x4.mul
      (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
      (local.tee $6
       (v128.load offset=16 align=4
        (local.get $1)
       )
      )
     )
    )
   )
   (local.set $6
    (f32x4.add
     (f32x4.mul
      (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
      (v128.load offset=16 align=4
       (local.get $3)
      )
     )
     (f32x4.mul
      (f32x4.mul
       (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
       (local.get $6)
      )
      (local.get $6)
     )
    )
   )
   (v128.store offset=16 align=4
    (local.get $2)
    (local.get $7)
   )
   (v128.store offset=16 align=4
    (local.get $3)
    (local.get $6)
   )
   (v128.store offset=16 align=4
    (local.get $0)
    (f32x4.sub
     (v128.load offset=16 align=4
      (local.get $0)
     )
     (f32x4.div
      (f32x4.mul
       (local.get $8)
       (local.get $7)
      )
      (f32x4.add
       (f32x4.sqrt
        (f32x4.mul
         (local.get $6)
         (local.get $9)
        )
       )
       (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
      )
     )
    )
   )
   (local.set $0
    (i32.add
     (local.get $0)
     (i32.const 32)
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
   (br_if $cnt0
    (local.tee $10
     (i32.sub
      (local.get $10)
      (i32.const 1)
     )
    )
   )
  )
  (local.set $6
   (f32x4.add
    (f32x4.mul
     (v128.const i32x4 0x3f666666 0x3f666666 0x3f666666 0x3f666666)
     (v128.load32_lane offset=8 2
      (local.get $2)
      (v128.load64_zero align=4
       (local.get $2)
      )
     )
    )
    (f32x4.mul
     (v128.const i32x4 0x3dcccccd 0x3dcccccd 0x3dcccccd 0x3dcccccd)
     (local.tee $7
      (v128.load32_lane offset=8 2
       (local.get $1)
       (v128.load64_zero align=4
        (local.get $1)
       )
      )
     )
    )
   )
  )
  (local.set $7
   (f32x4.add
    (f32x4.mul
     (v128.const i32x4 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77 0x3f7fbe77)
     (v128.load32_lane offset=8 2
      (local.get $3)
      (v128.load64_zero align=4
       (local.get $3)
      )
     )
    )
    (f32x4.mul
     (f32x4.mul
      (v128.const i32x4 0x3a83126f 0x3a83126f 0x3a83126f 0x3a83126f)
      (local.get $7)
     )
     (local.get $7)
    )
   )
  )
  (v128.store64_lane align=4 0
   (local.get $2)
   (local.get $6)
  )
  (v128.store32_lane offset=8 2
   (local.get $2)
   (local.get $6)
  )
  (v128.store64_lane align=4 0
   (local.get $3)
   (local.get $7)
  )
  (v128.store32_lane offset=8 2
   (local.get $3)
   (local.get $7)
  )
  (v128.store64_lane align=4 0
   (local.get $0)
   (local.tee $8
    (f32x4.sub
     (v128.load32_lane offset=8 2
      (local.get $0)
      (v128.load64_zero align=4
       (local.get $0)
      )
     )
     (f32x4.div
      (f32x4.mul
       (local.get $8)
       (local.get $6)
      )
      (f32x4.add
       (f32x4.sqrt
        (f32x4.mul
         (local.get $7)
         (local.get $9)
        )
       )
       (v128.const i32x4 0x33d6bf95 0x33d6bf95 0x33d6bf95 0x33d6bf95)
      )
     )
    )
   )
  )
  (v128.store32_lane offset=8 2
   (local.get $0)
   (local.get $8)
  )
 )
 (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3_argmax (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32)
  (local $7 v128)
  (local $8 v128)
  (local $9 v128)
  (local $10 i32)
  (local $11 v128)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 v128)
  (local $23 v128)
  (local $24 v128)
  (local $25 v128)
  (local $26 v128)
  (local $27 v128)
  (local $28 v128)
  (local $29 v128)
  (local $30 v128)
  (local $31 v128)
  (local $32 v128)
  (local $33 v128)
  (local.set $6
   (i32.and
    (i32.add
     (local.get $6)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $13
   (local.get $1)
  )
  (local.set $14
   (local.get $3)
  )
  (local.set $15
   (local.get $5)
  )
  (loop $top4
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $12)
     )
    )
    (then
     (local.set $16
      (local.get $6)
     )
     (local.set $1
      (local.get $13)
     )
     (local.set $19
      (i32.const 3)
     )
     (loop $cnt2
      (local.set $17
       (local.get $16)
      )
      (local.set $8
       (local.tee $7
        (v128.load align=4
         (local.get $4)
        )
       )
      )
      (local.set $9
       (local.get $7)
      )
      (local.set $18
       (local.get $1)
      )
      (local.set $5
       (local.get $2)
      )
      (local.set $20
       (i32.const 2)
      )
      (loop $cnt1
       (local.set $10
        (local.get $18)
       )
       (local.set $3
        (local.get $5)
       )
       (local.set $21
        (i32.const 2)
       )
       (loop $cnt0
        (local.set $7
         (f32x4.add
          (local.get $7)
          (f32x4.mul
           (v128.load32_splat
            (local.get $10)
           )
           (local.tee $11
            (v128.load align=4
             (local.get $3)
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
            (local.get $10)
           )
           (local.get $11)
          )
         )
        )
        (local.set $9
         (f32x4.add
          (local.get $9)
          (f32x4.mul
           (v128.load32_splat offset=8
            (local.get $10)
           )
           (local.get $11)
          )
         )
        )
        (local.set $10
         (i32.add
          (local.get $10)
          (i32.const 4)
         )
        )
        (local.set $3
         (i32.add
          (local.get $3)
          (i32.const 16)
         )
        )
        (br_if $cnt0
         (local.tee $21
          (i32.sub
           (local.get $21)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $18
        (i32.add
         (local.get $18)
         (i32.const 16)
        )
       )
       (local.set $5
        (i32.add
         (local.get $5)
         (i32.const 32)
        )
       )
       (br_if $cnt1
        (local.tee $20
         (i32.sub
          (local.get $20)
          (i32.const 1)
         )
        )
       )
      )
      (v128.store align=4
       (local.get $17)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $7)
       )
      )
      (v128.store offset=16 align=4
       (local.get $17)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $8)
       )
      )
      (v128.store offset=32 align=4
       (local.get $17)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $9)
       )
      )
      (local.set $1
       (i32.add
        (local.get $1)
        (i32.const 16)
       )
      )
      (local.set $16
       (i32.add
        (local.get $16)
        (i32.const 48)
       )
      )
      (br_if $cnt2
       (local.tee $19
        (i32.sub
         (local.get $19)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $9
      (f32x4.pmax
       (local.tee $7
        (f32x4.pmax
         (local.tee $11
          (f32x4.pmax
           (local.tee $8
            (f32x4.pmax
             (local.tee $32
              (f32x4.pmax
               (local.tee $31
                (f32x4.pmax
                 (local.tee $30
                  (f32x4.pmax
                   (local.tee $22
                    (v128.load align=4
                     (local.get $6)
                    )
                   )
                   (local.tee $23
                    (v128.load offset=16 align=4
                     (local.get $6)
                    )
                   )
                  )
                 )
                 (local.tee $24
                  (v128.load offset=32 align=4
                   (local.get $6)
                  )
                 )
                )
               )
               (local.tee $25
                (v128.load offset=48 align=4
                 (local.get $6)
                )
               )
              )
             )
             (local.tee $26
              (v128.load offset=64 align=4
               (local.get $6)
              )
             )
            )
           )
           (local.tee $27
            (v128.load offset=80 align=4
             (local.get $6)
            )
           )
          )
         )
         (local.tee $28
          (v128.load offset=96 align=4
           (local.get $6)
          )
         )
        )
       )
       (local.tee $29
        (v128.load offset=112 align=4
         (local.get $6)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $14)
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
               (local.get $22)
              )
              (local.get $23)
             )
             (local.get $24)
            )
            (local.get $25)
           )
           (local.get $26)
          )
          (local.get $27)
         )
         (local.get $28)
        )
        (local.get $29)
       )
       (local.tee $33
        (v128.load offset=128 align=4
         (local.get $6)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $15)
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
                (local.get $23)
                (local.get $22)
               )
               (v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001)
              )
             )
             (v128.and
              (f32x4.gt
               (local.get $24)
               (local.get $30)
              )
              (v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002)
             )
            )
            (v128.and
             (f32x4.gt
              (local.get $25)
              (local.get $31)
             )
             (v128.const i32x4 0x00000003 0x00000003 0x00000003 0x00000003)
            )
           )
           (v128.and
            (f32x4.gt
             (local.get $26)
             (local.get $32)
            )
            (v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004)
           )
          )
          (v128.and
           (f32x4.gt
            (local.get $27)
            (local.get $8)
           )
           (v128.const i32x4 0x00000005 0x00000005 0x00000005 0x00000005)
          )
         )
         (v128.and
          (f32x4.gt
           (local.get $28)
           (local.get $11)
          )
          (v128.const i32x4 0x00000006 0x00000006 0x00000006 0x00000006)
         )
        )
        (v128.and
         (f32x4.gt
          (local.get $29)
          (local.get $7)
         )
         (v128.const i32x4 0x00000007 0x00000007 0x00000007 0x00000007)
        )
       )
       (v128.and
        (f32x4.gt
         (local.get $33)
         (local.get $9)
        )
        (v128.const i32x4 0x00000008 0x00000008 0x00000008 0x00000008)
       )
      )
     )
     (local.set $13
      (i32.sub
       (local.get $13)
       (i32.const -64)
      )
     )
     (local.set $14
      (i32.add
       (local.get $14)
       (i32.const 16)
      )
     )
     (local.set $15
      (i32.add
       (local.get $15)
       (i32.const 16)
      )
     )
     (local.set $12
      (i32.add
       (local.get $12)
       (i32.const 1)
      )
     )
     (br $top4)
    )
   )
  )
 )
 (func $gemm_nn_4x3_bias (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 v128)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
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
      (local.get $13)
     )
    )
    (then
     (local.set $19
      (select
       (local.tee $8
        (i32.sub
         (local.get $13)
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
     (local.set $10
      (local.get $2)
     )
     (local.set $8
      (local.get $5)
     )
     (local.set $9
      (i32.const 4)
     )
     (loop $cnt0
      (v128.store
       (local.get $8)
       (v128.load32_lane offset=8 2
        (local.get $10)
        (v128.load64_zero align=4
         (local.get $10)
        )
       )
      )
      (v128.store offset=16
       (local.get $8)
       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
      )
      (local.set $10
       (i32.add
        (local.get $10)
        (i32.const 12)
       )
      )
      (local.set $8
       (i32.add
        (local.get $8)
        (i32.const 32)
       )
      )
      (br_if $cnt0
       (local.tee $9
        (i32.sub
         (local.get $9)
         (i32.const 1)
        )
       )
      )
     )
     (local.set $8
      (i32.add
       (local.get $1)
       (i32.shl
        (local.tee $10
         (local.get $13)
        )
        (i32.const 4)
       )
      )
     )
     (local.set $7
      (i32.add
       (local.get $3)
       (i32.mul
        (local.get $10)
        (i32.const 12)
       )
      )
     )
     (local.set $11
      (local.get $4)
     )
     (loop $top3
      (if
       (i32.eqz
        (i32.lt_s
         (local.get $19)
         (i32.add
          (local.get $10)
          (i32.const 4)
         )
        )
       )
       (then
        (local.set $6
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
        (local.set $9
         (local.get $8)
        )
        (local.set $12
         (local.get $5)
        )
        (local.set $14
         (i32.const 4)
        )
        (loop $k1
         (local.set $6
          (f32x4.add
           (local.get $6)
           (f32x4.mul
            (v128.load32_splat
             (local.get $9)
            )
            (local.tee $18
             (v128.load align=4
              (local.get $12)
             )
            )
           )
          )
         )
         (local.set $15
          (f32x4.add
           (local.get $15)
           (f32x4.mul
            (v128.load32_splat offset=16
             (local.get $9)
            )
            (local.get $18)
           )
          )
         )
         (local.set $16
          (f32x4.add
           (local.get $16)
           (f32x4.mul
            (v128.load32_splat offset=32
             (local.get $9)
            )
            (local.get $18)
           )
          )
         )
         (local.set $17
          (f32x4.add
           (local.get $17)
           (f32x4.mul
            (v128.load32_splat offset=48
             (local.get $9)
            )
            (local.get $18)
           )
          )
         )
         (local.set $9
          (i32.add
           (local.get $9)
           (i32.const 4)
          )
         )
         (local.set $12
          (i32.add
           (local.get $12)
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
         (local.get $7)
         (local.tee $6
          (f32x4.add
           (local.get $6)
           (v128.load32_lane offset=8 2
            (local.get $11)
            (v128.load64_zero align=4
             (local.get $11)
            )
           )
          )
         )
        )
        (v128.store32_lane offset=8 2
         (local.get $7)
         (local.get $6)
        )
        (v128.store64_lane offset=12 align=4 0
         (local.get $7)
         (local.tee $6
          (f32x4.add
           (local.get $15)
           (v128.load32_lane offset=8 2
            (local.get $11)
            (v128.load64_zero align=4
             (local.get $11)
            )
           )
          )
         )
        )
        (v128.store32_lane offset=20 2
         (local.get $7)
         (local.get $6)
        )
        (v128.store64_lane offset=24 align=4 0
         (local.get $7)
         (local.tee $6
          (f32x4.add
           (local.get $16)
           (v128.load32_lane offset=8 2
            (local.get $11)
            (v128.load64_zero align=4
             (local.get $11)
            )
           )
          )
         )
        )
        (v128.store32_lane offset=32 2
         (local.get $7)
         (local.get $6)
        )
        (v128.store64_lane offset=36 align=4 0
         (local.get $7)
         (local.tee $6
          (f32x4.add
           (local.get $17)
           (v128.load32_lane offset=8 2
            (local.get $11)
            (v128.load64_zero align=4
             (local.get $11)
            )
           )
          )
         )
        )
        (v128.store32_lane offset=44 2
         (local.get $7)
         (local.get $6)
        )
        (local.set $10
         (i32.add
          (local.get $10)
          (i32.const 4)
         )
        )
        (local.set $8
         (i32.sub
          (local.get $8)
          (i32.const -64)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
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
         (local.get $10)
         (local.get $19)
        )
       )
       (then
        (local.set $6
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $9
         (local.get $8)
        )
        (local.set $12
         (local.get $5)
        )
        (local.set $14
         (i32.const 4)
        )
        (loop $k4
         (local.set $6
          (f32x4.add
           (local.get $6)
           (f32x4.mul
            (v128.load32_splat
             (local.get $9)
            )
            (v128.load align=4
             (local.get $12)
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
         (local.set $12
          (i32.add
           (local.get $12)
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
         (local.get $7)
         (local.tee $6
          (f32x4.add
           (local.get $6)
           (v128.load32_lane offset=8 2
            (local.get $11)
            (v128.load64_zero align=4
             (local.get $11)
            )
           )
          )
         )
        )
        (v128.store32_lane offset=8 2
         (local.get $7)
         (local.get $6)
        )
        (local.set $10
         (i32.add
          (local.get $10)
          (i32.const 1)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 16)
         )
        )
        (local.set $7
         (i32.add
          (local.get $7)
          (i32.const 12)
         )
        )
        (br $top6)
       )
      )
     )
     (local.set $13
      (i32.sub
       (local.get $13)
       (i32.const -64)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_nt_4x3 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 v128)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 v128)
  (local $14 v128)
  (local $15 v128)
  (local $16 v128)
  (local $17 i32)
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
      (local.get $11)
     )
    )
    (then
     (local.set $17
      (select
       (local.tee $6
        (i32.sub
         (local.get $11)
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
     (local.set $5
      (local.get $2)
     )
     (local.set $6
      (local.get $4)
     )
     (local.set $7
      (i32.const 3)
     )
     (loop $cnt0
      (v128.store
       (local.get $6)
       (f32x4.replace_lane 3
        (f32x4.replace_lane 2
         (f32x4.replace_lane 1
          (f32x4.replace_lane 0
           (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
           (f32.load
            (local.get $5)
           )
          )
          (f32.load offset=12
           (local.get $5)
          )
         )
         (f32.load offset=24
          (local.get $5)
         )
        )
        (f32.load offset=36
         (local.get $5)
        )
       )
      )
      (v128.store offset=16
       (local.get $6)
       (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
      )
      (local.set $5
       (i32.add
        (local.get $5)
        (i32.const 4)
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
        (local.tee $5
         (local.get $11)
        )
        (i32.const 12)
       )
      )
     )
     (local.set $8
      (i32.add
       (local.get $3)
       (i32.shl
        (local.get $5)
        (i32.const 4)
       )
      )
     )
     (loop $top3
      (if
       (i32.eqz
        (i32.lt_s
         (local.get $17)
         (i32.add
          (local.get $5)
          (i32.const 4)
         )
        )
       )
       (then
        (local.set $9
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $13
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $14
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $15
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $7
         (local.get $6)
        )
        (local.set $10
         (local.get $4)
        )
        (local.set $12
         (i32.const 3)
        )
        (loop $k1
         (local.set $9
          (f32x4.add
           (local.get $9)
           (f32x4.mul
            (v128.load32_splat
             (local.get $7)
            )
            (local.tee $16
             (v128.load align=4
              (local.get $10)
             )
            )
           )
          )
         )
         (local.set $13
          (f32x4.add
           (local.get $13)
           (f32x4.mul
            (v128.load32_splat offset=12
             (local.get $7)
            )
            (local.get $16)
           )
          )
         )
         (local.set $14
          (f32x4.add
           (local.get $14)
           (f32x4.mul
            (v128.load32_splat offset=24
             (local.get $7)
            )
            (local.get $16)
           )
          )
         )
         (local.set $15
          (f32x4.add
           (local.get $15)
           (f32x4.mul
            (v128.load32_splat offset=36
             (local.get $7)
            )
            (local.get $16)
           )
          )
         )
         (local.set $7
          (i32.add
           (local.get $7)
           (i32.const 4)
          )
         )
         (local.set $10
          (i32.add
           (local.get $10)
           (i32.const 32)
          )
         )
         (br_if $k1
          (i32.gt_s
           (local.tee $12
            (i32.sub
             (local.get $12)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $8)
         (local.get $9)
        )
        (v128.store offset=16 align=4
         (local.get $8)
         (local.get $13)
        )
        (v128.store offset=32 align=4
         (local.get $8)
         (local.get $14)
        )
        (v128.store offset=48 align=4
         (local.get $8)
         (local.get $15)
        )
        (local.set $5
         (i32.add
          (local.get $5)
          (i32.const 4)
         )
        )
        (local.set $6
         (i32.add
          (local.get $6)
          (i32.const 48)
         )
        )
        (local.set $8
         (i32.sub
          (local.get $8)
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
         (local.get $5)
         (local.get $17)
        )
       )
       (then
        (local.set $9
         (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        )
        (local.set $7
         (local.get $6)
        )
        (local.set $10
         (local.get $4)
        )
        (local.set $12
         (i32.const 3)
        )
        (loop $k4
         (local.set $9
          (f32x4.add
           (local.get $9)
           (f32x4.mul
            (v128.load32_splat
             (local.get $7)
            )
            (v128.load align=4
             (local.get $10)
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
         (local.set $10
          (i32.add
           (local.get $10)
           (i32.const 32)
          )
         )
         (br_if $k4
          (i32.gt_s
           (local.tee $12
            (i32.sub
             (local.get $12)
             (i32.const 1)
            )
           )
           (i32.const 0)
          )
         )
        )
        (v128.store align=4
         (local.get $8)
         (local.get $9)
        )
        (local.set $5
         (i32.add
          (local.get $5)
          (i32.const 1)
         )
        )
        (local.set $6
         (i32.add
          (local.get $6)
          (i32.const 12)
         )
        )
        (local.set $8
         (i32.add
          (local.get $8)
          (i32.const 16)
         )
        )
        (br $top6)
       )
      )
     )
     (local.set $11
      (i32.sub
       (local.get $11)
       (i32.const -64)
      )
     )
     (br $top8)
    )
   )
  )
 )
 (func $gemm_tn_4x3 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 v128)
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
   (local.set $4
    (i32.add
     (local.get $3)
     (i32.mul
      (local.get $6)
      (i32.const 12)
     )
    )
   )
   (local.set $7
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
   (local.set $5
    (i32.add
     (local.get $1)
     (i32.shl
      (local.get $6)
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
      (local.set $7
       (f32x4.add
        (local.get $7)
        (f32x4.mul
         (v128.load32_splat
          (local.get $5)
         )
         (local.tee $12
          (v128.load32_lane offset=8 2
           (local.get $11)
           (v128.load64_zero align=4
            (local.get $11)
           )
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
          (local.get $5)
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
          (local.get $5)
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
          (local.get $5)
         )
         (local.get $12)
        )
       )
      )
      (local.set $5
       (i32.add
        (local.get $5)
        (i32.const 16)
       )
      )
      (local.set $11
       (i32.add
        (local.get $11)
        (i32.const 12)
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
    (local.get $4)
    (local.get $7)
   )
   (v128.store32_lane offset=8 2
    (local.get $4)
    (local.get $7)
   )
   (v128.store64_lane offset=12 align=4 0
    (local.get $4)
    (local.get $8)
   )
   (v128.store32_lane offset=20 2
    (local.get $4)
    (local.get $8)
   )
   (v128.store64_lane offset=24 align=4 0
    (local.get $4)
    (local.get $9)
   )
   (v128.store32_lane offset=32 2
    (local.get $4)
    (local.get $9)
   )
   (v128.store64_lane offset=36 align=4 0
    (local.get $4)
    (local.get $10)
   )
   (v128.store32_lane offset=44 2
    (local.get $4)
    (local.get $10)
   )
   (local.set $6
    (i32.add
     (local.get $6)
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
 )
 (func $sum_rows_1_batched_3 (param $0 i32) (param $1 i32) (param $2 i32)
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
       (v128.load32_lane offset=8 2
        (local.get $2)
        (v128.load64_zero align=4
         (local.get $2)
        )
       )
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 12)
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
  (v128.store32_lane offset=8 2
   (local.get $1)
   (local.get $3)
  )
 )
 (func $maxpool2d_grad_relu_3x3x4_k3x3_s3x3_fromArgmax_reluMask (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32)
  (local $5 v128)
  (local $6 v128)
  (local $7 i32)
  (loop $top1
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $7)
     )
    )
    (then
     (v128.store align=4
      (local.get $4)
      (v128.and
       (local.tee $5
        (v128.and
         (v128.load align=4
          (local.get $1)
         )
         (f32x4.gt
          (v128.load align=4
           (local.get $3)
          )
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
         )
        )
       )
       (i32x4.eq
        (local.tee $6
         (v128.load align=4
          (local.get $2)
         )
        )
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001)
       )
      )
     )
     (v128.store offset=32 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002)
       )
      )
     )
     (v128.store offset=48 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000003 0x00000003 0x00000003 0x00000003)
       )
      )
     )
     (v128.store offset=64 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004)
       )
      )
     )
     (v128.store offset=80 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000005 0x00000005 0x00000005 0x00000005)
       )
      )
     )
     (v128.store offset=96 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000006 0x00000006 0x00000006 0x00000006)
       )
      )
     )
     (v128.store offset=112 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000007 0x00000007 0x00000007 0x00000007)
       )
      )
     )
     (v128.store offset=128 align=4
      (local.get $4)
      (v128.and
       (local.get $5)
       (i32x4.eq
        (local.get $6)
        (v128.const i32x4 0x00000008 0x00000008 0x00000008 0x00000008)
       )
      )
     )
     (local.set $4
      (i32.add
       (local.get $4)
       (i32.const 144)
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
     (local.set $7
      (i32.add
       (local.get $7)
       (i32.const 1)
      )
     )
     (br $top1)
    )
   )
  )
 )
 (func $conv2d_grad_kernel_4x4x1_k2x2_s1x1_4 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 v128)
  (local $9 v128)
  (local $10 v128)
  (local $11 v128)
  (local $12 i32)
  (local $13 i32)
  (local $14 v128)
  (local $15 i32)
  (local $16 i32)
  (v128.store align=4
   (local.tee $6
    (local.get $3)
   )
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (v128.store offset=16 align=4
   (local.get $6)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (v128.store offset=32 align=4
   (local.get $6)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (v128.store offset=48 align=4
   (local.get $6)
   (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  )
  (loop $top3
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $7)
     )
    )
    (then
     (local.set $4
      (local.get $6)
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
     (local.set $11
      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
     )
     (local.set $12
      (local.get $1)
     )
     (local.set $13
      (local.get $2)
     )
     (local.set $15
      (i32.const 3)
     )
     (loop $rows0
      (local.set $5
       (local.get $12)
      )
      (local.set $3
       (local.get $13)
      )
      (local.set $16
       (i32.const 3)
      )
      (loop $cnt1
       (local.set $8
        (f32x4.add
         (local.get $8)
         (f32x4.mul
          (v128.load32_splat
           (local.get $5)
          )
          (local.tee $14
           (v128.load align=4
            (local.get $3)
           )
          )
         )
        )
       )
       (local.set $9
        (f32x4.add
         (local.get $9)
         (f32x4.mul
          (v128.load32_splat offset=4
           (local.get $5)
          )
          (local.get $14)
         )
        )
       )
       (local.set $10
        (f32x4.add
         (local.get $10)
         (f32x4.mul
          (v128.load32_splat offset=16
           (local.get $5)
          )
          (local.get $14)
         )
        )
       )
       (local.set $11
        (f32x4.add
         (local.get $11)
         (f32x4.mul
          (v128.load32_splat offset=20
           (local.get $5)
          )
          (local.get $14)
         )
        )
       )
       (local.set $5
        (i32.add
         (local.get $5)
         (i32.const 4)
        )
       )
       (local.set $3
        (i32.add
         (local.get $3)
         (i32.const 16)
        )
       )
       (br_if $cnt1
        (local.tee $16
         (i32.sub
          (local.get $16)
          (i32.const 1)
         )
        )
       )
      )
      (local.set $12
       (i32.add
        (local.get $12)
        (i32.const 16)
       )
      )
      (local.set $13
       (i32.add
        (local.get $13)
        (i32.const 48)
       )
      )
      (br_if $rows0
       (local.tee $15
        (i32.sub
         (local.get $15)
         (i32.const 1)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $4)
      (f32x4.add
       (local.get $8)
       (v128.load align=4
        (local.get $4)
       )
      )
     )
     (v128.store offset=16 align=4
      (local.get $4)
      (f32x4.add
       (local.get $9)
       (v128.load offset=16 align=4
        (local.get $4)
       )
      )
     )
     (v128.store offset=32 align=4
      (local.get $4)
      (f32x4.add
       (local.get $10)
       (v128.load offset=32 align=4
        (local.get $4)
       )
      )
     )
     (v128.store offset=48 align=4
      (local.get $4)
      (f32x4.add
       (local.get $11)
       (v128.load offset=48 align=4
        (local.get $4)
       )
      )
     )
     (local.set $1
      (i32.sub
       (local.get $1)
       (i32.const -64)
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 144)
      )
     )
     (local.set $7
      (i32.add
       (local.get $7)
       (i32.const 1)
      )
     )
     (br $top3)
    )
   )
  )
 )
 (func $sum_rows_9_batched_4 (param $0 i32) (param $1 i32) (param $2 i32)
  (local $3 v128)
  (local.set $0
   (i32.mul
    (local.get $0)
    (i32.const 9)
   )
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
     (local.set $3
      (f32x4.add
       (local.get $3)
       (v128.load align=4
        (local.get $2)
       )
      )
     )
     (local.set $2
      (i32.add
       (local.get $2)
       (i32.const 16)
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
  (v128.store align=4
   (local.get $1)
   (local.get $3)
  )
 )
 (func $conv_relu_maxpool_4x4x1_k2x2_s1x1_4_bias_relu_pool_k3x3_s3x3 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 v128)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 v128)
  (local $12 v128)
  (local $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i32)
  (local $19 v128)
  (local $20 i32)
  (local.set $5
   (i32.and
    (i32.add
     (local.get $5)
     (i32.const 15)
    )
    (i32.const -16)
   )
  )
  (local.set $8
   (local.get $3)
  )
  (loop $top4
   (if
    (i32.eqz
     (i32.le_s
      (local.get $0)
      (local.get $7)
     )
    )
    (then
     (local.set $9
      (local.get $5)
     )
     (local.set $3
      (local.get $1)
     )
     (local.set $16
      (i32.const 3)
     )
     (loop $cnt2
      (local.set $10
       (local.get $9)
      )
      (local.set $11
       (local.tee $6
        (v128.load align=4
         (local.get $4)
        )
       )
      )
      (local.set $12
       (local.get $6)
      )
      (local.set $13
       (local.tee $20
        (local.get $3)
       )
      )
      (local.set $14
       (local.get $2)
      )
      (local.set $17
       (i32.const 2)
      )
      (loop $cnt1
       (local.set $3
        (local.get $13)
       )
       (local.set $15
        (local.get $14)
       )
       (local.set $18
        (i32.const 2)
       )
       (loop $cnt0
        (local.set $6
         (f32x4.add
          (local.get $6)
          (f32x4.mul
           (v128.load32_splat
            (local.get $3)
           )
           (local.tee $19
            (v128.load align=4
             (local.get $15)
            )
           )
          )
         )
        )
        (local.set $11
         (f32x4.add
          (local.get $11)
          (f32x4.mul
           (v128.load32_splat offset=4
            (local.get $3)
           )
           (local.get $19)
          )
         )
        )
        (local.set $12
         (f32x4.add
          (local.get $12)
          (f32x4.mul
           (v128.load32_splat offset=8
            (local.get $3)
           )
           (local.get $19)
          )
         )
        )
        (local.set $3
         (i32.add
          (local.get $3)
          (i32.const 4)
         )
        )
        (local.set $15
         (i32.add
          (local.get $15)
          (i32.const 16)
         )
        )
        (br_if $cnt0
         (local.tee $18
          (i32.sub
           (local.get $18)
           (i32.const 1)
          )
         )
        )
       )
       (local.set $13
        (i32.add
         (local.get $13)
         (i32.const 16)
        )
       )
       (local.set $14
        (i32.add
         (local.get $14)
         (i32.const 32)
        )
       )
       (br_if $cnt1
        (local.tee $17
         (i32.sub
          (local.get $17)
          (i32.const 1)
         )
        )
       )
      )
      (v128.store align=4
       (local.get $10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $6)
       )
      )
      (v128.store offset=16 align=4
       (local.get $10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $11)
       )
      )
      (v128.store offset=32 align=4
       (local.get $10)
       (f32x4.pmax
        (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
        (local.get $12)
       )
      )
      (local.set $3
       (i32.add
        (local.get $20)
        (i32.const 16)
       )
      )
      (local.set $9
       (i32.add
        (local.get $9)
        (i32.const 48)
       )
      )
      (br_if $cnt2
       (local.tee $16
        (i32.sub
         (local.get $16)
         (i32.const 1)
        )
       )
      )
     )
     (v128.store align=4
      (local.get $8)
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
                (local.get $5)
               )
              )
              (v128.load offset=16 align=4
               (local.get $5)
              )
             )
             (v128.load offset=32 align=4
              (local.get $5)
             )
            )
            (v128.load offset=48 align=4
             (local.get $5)
            )
           )
           (v128.load offset=64 align=4
            (local.get $5)
           )
          )
          (v128.load offset=80 align=4
           (local.get $5)
          )
         )
         (v128.load offset=96 align=4
          (local.get $5)
         )
        )
        (v128.load offset=112 align=4
         (local.get $5)
        )
       )
       (v128.load offset=128 align=4
        (local.get $5)
       )
      )
     )
     (local.set $1
      (i32.sub
       (local.get $1)
       (i32.const -64)
      )
     )
     (local.set $8
      (i32.add
       (local.get $8)
       (i32.const 16)
      )
     )
     (local.set $7
      (i32.add
       (local.get $7)
       (i32.const 1)
      )
     )
     (br $top4)
    )
   )
  )
 )
 (func $softmax_1_batched_3_1 (param $0 i32) (param $1 i32) (param $2 i32)
  (local $3 v128)
  (local $4 v128)
  (local $5 v128)
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
      (f32x4.sub
       (local.tee $5
        (f32x4.add
         (f32x4.mul
          (local.tee $4
           (f32x4.pmax
            (f32x4.pmin
             (f32x4.sub
              (local.tee $3
               (v128.load32_lane offset=8 2
                (local.get $2)
                (v128.load64_zero align=4
                 (local.get $2)
                )
               )
              )
              (f32x4.pmax
               (local.tee $3
                (f32x4.pmax
                 (local.tee $3
                  (f32x4.pmax
                   (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
                   (v128.bitselect
                    (local.get $3)
                    (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000)
                    (v128.const i32x4 0xffffffff 0xffffffff 0xffffffff 0x00000000)
                   )
                  )
                 )
                 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
                  (local.get $3)
                  (local.get $3)
                 )
                )
               )
               (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
                (local.get $3)
                (local.get $3)
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
      (local.get $1)
      (local.tee $3
       (f32x4.mul
        (f32x4.mul
         (f32x4.add
          (f32x4.add
           (f32x4.mul
            (f32x4.mul
             (local.tee $3
              (f32x4.sub
               (f32x4.sub
                (local.get $4)
                (f32x4.mul
                 (local.get $3)
                 (v128.const i32x4 0x3f318000 0x3f318000 0x3f318000 0x3f318000)
                )
               )
               (f32x4.mul
                (local.get $3)
                (v128.const i32x4 0xb95e8083 0xb95e8083 0xb95e8083 0xb95e8083)
               )
              )
             )
             (local.get $3)
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
                      (local.get $3)
                     )
                     (v128.const i32x4 0x3ab743ce 0x3ab743ce 0x3ab743ce 0x3ab743ce)
                    )
                    (local.get $3)
                   )
                   (v128.const i32x4 0x3c088908 0x3c088908 0x3c088908 0x3c088908)
                  )
                  (local.get $3)
                 )
                 (v128.const i32x4 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1 0x3d2aa9c1)
                )
                (local.get $3)
               )
               (v128.const i32x4 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa 0x3e2aaaaa)
              )
              (local.get $3)
             )
             (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)
            )
           )
           (local.get $3)
          )
          (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)
         )
         (i32x4.shl
          (i32x4.add
           (local.tee $4
            (i32x4.shr_s
             (local.tee $3
              (i32x4.sub
               (local.get $5)
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
           (local.get $3)
           (local.get $4)
          )
          (v128.const i32x4 0x0000007f 0x0000007f 0x0000007f 0x0000007f)
         )
         (i32.const 23)
        )
       )
      )
     )
     (v128.store32_lane offset=8 2
      (local.get $1)
      (local.get $3)
     )
     (v128.store64_lane align=4 0
      (local.get $1)
      (local.tee $3
       (f32x4.mul
        (v128.load32_lane offset=8 2
         (local.get $1)
         (v128.load64_zero align=4
          (local.get $1)
         )
        )
        (f32x4.div
         (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)
         (f32x4.add
          (local.tee $3
           (f32x4.add
            (local.tee $3
             (f32x4.add
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
              (v128.and
               (local.get $3)
               (v128.const i32x4 0xffffffff 0xffffffff 0xffffffff 0x00000000)
              )
             )
            )
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
             (local.get $3)
             (local.get $3)
            )
           )
          )
          (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11
           (local.get $3)
           (local.get $3)
          )
         )
        )
       )
      )
     )
     (v128.store32_lane offset=8 2
      (local.get $1)
      (local.get $3)
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
       (i32.const 12)
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
)
